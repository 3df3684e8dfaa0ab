import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Diagnostics } from '../support/diagnostics.js';
import type { LoadedProject } from '../config/load-project.js';
import { parseYamlWith } from '../config/yaml-cache.js';
import { KpiError, type SourceLocation } from '../errors.js';
import type { ManifestNode } from '../manifest/types.js';
import type { TemplateGlobalsProvider } from '../project/template-globals.js';
import { readDimKpiCodes } from './read-dim-kpi-codes.js';
import { DEFAULT_BACKTEST, type BacktestSettings } from './read-backtest-section.js';
import { readThresholdsFile } from './read-thresholds-file.js';
import { resolveKpiThresholds } from './resolve-kpi-thresholds.js';
import type { KpiThresholds } from './threshold-settings.js';

/** The thresholds file the project names (`thresholds:` in kpi_project.yml), as text. */
export interface ThresholdsSource {
  /** As the project file writes it, relative to the project. */
  file: string;
  text: string;
}

/** The project file's key naming the thresholds file. */
export const THRESHOLDS_KEY = 'thresholds';

/** Read the file the project names; a missing one is reported at the project file's `thresholds:` key. */
export function readThresholdsSource(loaded: LoadedProject, diagnostics: Diagnostics, keyLocation: SourceLocation): ThresholdsSource | null {
  const file = loaded.config.extensions[THRESHOLDS_KEY];
  if (file === undefined || file === null) return null;
  if (typeof file !== 'string') {
    diagnostics.error('KPI_CONFIG_INVALID', "'thresholds' must be the path of the thresholds file (config/thresholds.yml)", keyLocation);
    return null;
  }
  const path = join(loaded.config.projectDir, file);
  if (!existsSync(path)) {
    diagnostics.error('KPI_THRESHOLDS_INVALID', `the thresholds file '${file}' does not exist`, keyLocation, 'create it, or remove thresholds: from the project file to use the built-in defaults');
    return null;
  }
  return { file, text: readFileSync(path, 'utf8') };
}

/**
 * `kpi_thresholds` for templates: the resolved settings of every KPI of dim_kpi, for the
 * run's target. Problems (the file's and those found against dim_kpi) go to `diagnostics`.
 */
export function loadKpiThresholds(loaded: LoadedProject, source: ThresholdsSource | null, seeds: readonly ManifestNode[], diagnostics: Diagnostics): KpiThresholds[] {
  let layers = null;
  if (source) {
    try {
      layers = readThresholdsFile(parseYamlWith(loaded.yamlCache, source.text, source.file), diagnostics);
    } catch (error) {
      // parseYaml throws for a syntax error; here it is reported like any other problem.
      if (!(error instanceof KpiError)) throw error;
      diagnostics.error(error.code, error.message, error.location, error.hint);
    }
  }
  const dimKpi = readDimKpiCodes(seeds, loaded.config.projectDir, diagnostics, source !== null, loaded.yamlCache);
  return resolveKpiThresholds({ layers, targetName: loaded.target.name, dimKpi }, diagnostics);
}

/** `kpi_thresholds` for every template, from the file the project names and the dim_kpi seed. */
export const kpiThresholdsGlobals: TemplateGlobalsProvider = ({ loaded, diagnostics, locateInProjectFile }) => {
  const source = readThresholdsSource(loaded, diagnostics, locateInProjectFile([THRESHOLDS_KEY]));
  return {
    // The file's text, not its resolved values: unchanged thresholds keep the cache, changed ones renew it.
    cacheKey: source?.text ?? null,
    globals: (seeds) => ({ kpi_thresholds: loadKpiThresholds(loaded, source, seeds, diagnostics) }),
  };
};

/**
 * The `backtest:` section of the thresholds file the project names (defaults without one).
 * The file was validated when the project was parsed, so a problem here is thrown whole.
 */
export function loadBacktestSettings(loaded: LoadedProject): BacktestSettings {
  const diagnostics = new Diagnostics();
  const source = readThresholdsSource(loaded, diagnostics, { file: loaded.config.projectFile });
  const settings = source ? readThresholdsFile(parseYamlWith(loaded.yamlCache, source.text, source.file), diagnostics).backtest : DEFAULT_BACKTEST;
  diagnostics.throwIfErrors();
  return settings;
}
