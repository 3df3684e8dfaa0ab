import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoWith, type YamlCache } from '../config/yaml-cache.js';
import { csvParser } from '../support/csv-module.js';
import type { Diagnostics } from '../support/diagnostics.js';
import type { ManifestNode } from '../manifest/types.js';
import type { DimKpiCodes } from './resolve-kpi-thresholds.js';

export const DIM_KPI = 'dim_kpi';

/**
 * The kpi_code column of the project's `dim_kpi` seed (the enabled seed node of that
 * name), or null when there is none. A dim_kpi that cannot be read is a problem only
 * when a thresholds file needs its codes (`required`); otherwise the seed's own load
 * reports it, and a dbt project with an unrelated dim_kpi still parses.
 */
export function readDimKpiCodes(seeds: readonly ManifestNode[], projectDir: string, diagnostics: Diagnostics, required: boolean, cache?: YamlCache): DimKpiCodes | null {
  const seed = seeds.find((node) => node.resource_type === 'seed' && node.name === DIM_KPI && node.config.enabled && node.seed_file_path);
  if (!seed?.seed_file_path) return null;
  const file = seed.seed_file_path;
  let records: Array<Record<string, string>>;
  try {
    const text = readFileSync(join(projectDir, file), 'utf8');
    records = memoWith(cache, 'csv-records', text, () => csvParser().parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Array<Record<string, string>>);
  } catch (error) {
    if (required) diagnostics.error('KPI_THRESHOLDS_INVALID', `the KPI codes of ${file} could not be read: ${(error as Error).message}`, { file });
    return null;
  }
  if (records.length > 0 && !('kpi_code' in records[0])) {
    if (required) diagnostics.error('KPI_THRESHOLDS_INVALID', `${file} has no kpi_code column, which thresholds are keyed by`, { file, line: 1 });
    return null;
  }
  return { codes: records.map((record) => record.kpi_code).filter((code) => code !== undefined && code !== ''), file };
}
