/** The project file's key naming the thresholds file (a module of its own: loading a project must not load the thresholds). */
export const THRESHOLDS_KEY = 'thresholds';
