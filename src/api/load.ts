import { loadProject, type LoadOptions, type LoadedProject } from '../config/load-project.js';
import { THRESHOLDS_KEY } from '../thresholds/thresholds-key.js';

/** The project-file keys of the features over the engine (the KPI mart's thresholds file): they arrive unchecked in `config.extensions`. */
export const PROJECT_FILE_KEYS: readonly string[] = [THRESHOLDS_KEY];

/** The project as every command loads it: the engine's keys and the features' keys. A module of its own, so loading does not load the features. */
export function load(options: LoadOptions): LoadedProject {
  return loadProject({ ...options, extensionKeys: PROJECT_FILE_KEYS });
}
