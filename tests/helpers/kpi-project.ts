import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures.js';

/** The KPI project this repository ships (kpi_project.yml and its folders), copied to a temp folder. */
export function copyKpiProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kpi-mart-'));
  for (const entry of ['kpi_project.yml', 'models', 'macros', 'seeds', 'data-tests', 'config']) {
    const from = join(REPO_ROOT, entry);
    if (existsSync(from)) cpSync(from, join(dir, entry), { recursive: true });
  }
  return dir;
}

export function addDays(date: string, days: number): string {
  const value = new Date(`${date}T00:00:00Z`);
  value.setUTCDate(value.getUTCDate() + days);
  return value.toISOString().slice(0, 10);
}
