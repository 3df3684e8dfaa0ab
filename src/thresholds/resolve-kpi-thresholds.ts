import type { Diagnostics } from '../support/diagnostics.js';
import { closestMatch } from '../errors.js';
import { checkMergedSettings, type MergedProblem } from './check-merged-settings.js';
import { configHash } from './config-hash.js';
import { mergeSettings } from './merge-settings.js';
import type { SettingsLayer } from './read-settings-layer.js';
import type { ThresholdLayers } from './read-thresholds-file.js';
import type { KpiThresholds } from './threshold-settings.js';

/** The KPI codes of the project's dim_kpi seed, and the file they were read from. */
export interface DimKpiCodes {
  codes: string[];
  file: string;
}

export interface ThresholdsInput {
  /** The validated thresholds file, or null when the project names none (built-in defaults apply). */
  layers: ThresholdLayers | null;
  /** The target the run is for: its `targets.<name>` overrides apply. */
  targetName: string;
  /** null when the project has no dim_kpi seed: codes cannot be checked. */
  dimKpi: DimKpiCodes | null;
}

/**
 * One resolved settings object per KPI code — every code of dim_kpi, so a model can join
 * on it without repeating the defaults in SQL — laid in this order, later winning:
 * built-in defaults ← `defaults` ← `targets.<target>.defaults` ← `kpis.<code>` ←
 * `targets.<target>.kpis.<code>`. Problems go to `diagnostics`; the list is always returned.
 */
export function resolveKpiThresholds(input: ThresholdsInput, diagnostics: Diagnostics): KpiThresholds[] {
  const { layers, dimKpi } = input;
  const known = new Set(dimKpi?.codes ?? []);
  const named = layers?.codes ?? [];
  if (dimKpi) {
    for (const { code, path, location } of named) {
      if (known.has(code)) continue;
      const match = closestMatch(code, known);
      diagnostics.error(
        'KPI_THRESHOLDS_INVALID',
        `'${path}': '${code}' is not a kpi_code of dim_kpi (${dimKpi.file}).${match ? ` Did you mean '${match}'?` : ''}`,
        location,
        'thresholds are set by kpi_code; add the KPI to the dim_kpi seed first',
      );
    }
  } else if (layers && named.length > 0) {
    diagnostics.warn('KPI_THRESHOLDS_INVALID', 'the project has no dim_kpi seed, so the KPI codes under kpis: are not checked', named[0].location);
  }
  const codes = dimKpi ? [...new Set(dimKpi.codes)] : [...new Set(named.map((entry) => entry.code))];

  const target = layers?.targets[input.targetName];
  const problems = new Map<string, { problem: MergedProblem; codes: string[] }>();
  const resolved = codes.map((code): KpiThresholds => {
    const stack = [layers?.defaults, target?.defaults, layers?.kpis[code], target?.kpis[code]].filter((layer): layer is SettingsLayer => layer !== undefined);
    const merged = mergeSettings(stack);
    for (const problem of checkMergedSettings(merged)) {
      const key = `${problem.rule}\u0000${problem.origin?.path ?? ''}`;
      const seen = problems.get(key);
      if (seen) seen.codes.push(code);
      else problems.set(key, { problem, codes: [code] });
    }
    return { kpi_code: code, ...merged.settings, config_hash: configHash(merged.settings) };
  });
  for (const { problem, codes: affected } of problems.values()) {
    diagnostics.error('KPI_THRESHOLDS_INVALID', problem.message(affected), problem.origin?.location ?? (layers ? { file: layers.file } : undefined));
  }
  return resolved;
}
