import type { Diagnostics } from '../support/diagnostics.js';
import type { LoadedProject } from '../config/load-project.js';
import { loadKpiThresholds, type ThresholdsSource } from '../thresholds/load-kpi-thresholds.js';
import type { ManifestNode } from '../manifest/types.js';

/** What the project's own config files (beyond the project file) give every template. */
export interface ProjectConfigFiles {
  thresholds: ThresholdsSource | null;
}

/**
 * Names every template of the project sees, read from validated config files: plain data,
 * computed once a parse, handed to parse- and run-time renders alike. A config file that
 * templates should see adds its name here; the runner knows none of them.
 */
export function projectTemplateGlobals(loaded: LoadedProject, files: ProjectConfigFiles, seeds: readonly ManifestNode[], diagnostics: Diagnostics): Record<string, unknown> {
  return { kpi_thresholds: loadKpiThresholds(loaded, files.thresholds, seeds, diagnostics) };
}
