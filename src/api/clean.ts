import { existsSync, rmSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { type LoadOptions } from '../config/load-project.js';
import { KpiError } from '../errors.js';
import { load } from './features.js';

/** `kpi clean`: remove target/ and the project's clean-targets (never anything outside the project). */
export function clean(options: LoadOptions = {}): string[] {
  const loaded = load(options);
  const removed: string[] = [];
  for (const target of new Set([...loaded.config.cleanTargets, loaded.config.targetPath])) {
    const path = resolve(loaded.config.projectDir, target);
    const inside = relative(loaded.config.projectDir, path);
    if (!inside || inside.startsWith('..') || isAbsolute(inside)) {
      throw new KpiError('KPI_UNSAFE_OPERATION', `clean-targets entry '${target}' is outside the project; kpi clean will not delete it`);
    }
    if (existsSync(path)) {
      rmSync(path, { recursive: true, force: true });
      removed.push(inside);
    }
  }
  return removed;
}
