import { loadProject, type LoadOptions, type LoadedProject } from '../config/load-project.js';
import type { TemplateGlobalsProvider } from '../project/template-globals.js';
import { kpiThresholdsGlobals, THRESHOLDS_KEY } from '../thresholds/load-kpi-thresholds.js';

/**
 * What the KPI mart adds to the engine, handed in here so the engine never names it: the
 * project-file key naming the thresholds file, and `kpi_thresholds` for every template.
 */
export const PROJECT_FILE_KEYS: readonly string[] = [THRESHOLDS_KEY];
export const TEMPLATE_GLOBALS: readonly TemplateGlobalsProvider[] = [kpiThresholdsGlobals];

/** The project as every command loads it: the engine's keys and the features' keys. */
export function load(options: LoadOptions): LoadedProject {
  return loadProject({ ...options, extensionKeys: PROJECT_FILE_KEYS });
}
