import { cpSync, mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(REPO_ROOT, 'tests', 'fixtures');

/** A fresh copy of a fixture project in a temp folder (runs write target/ into it). */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `kpi-${name}-`));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** A project made of the given files (path → content). */
export function makeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kpi-project-'));
  for (const [path, content] of Object.entries(files)) writeFile(dir, path, content);
  return dir;
}

export function writeFile(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
