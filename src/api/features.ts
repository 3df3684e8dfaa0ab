import type { TemplateGlobalsProvider } from '../project/template-globals.js';
import { kpiThresholdsGlobals } from '../thresholds/load-kpi-thresholds.js';
export { PROJECT_FILE_KEYS, load } from './load.js';

/**
 * What the KPI mart adds to the engine, handed in here so the engine never names it: the
 * project-file key naming the thresholds file (load.ts), and `kpi_thresholds` for every template.
 */
export const TEMPLATE_GLOBALS: readonly TemplateGlobalsProvider[] = [kpiThresholdsGlobals];
