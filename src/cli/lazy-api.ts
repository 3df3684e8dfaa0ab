import type * as Api from '../api.js';
import type * as ListApi from '../api/list.js';
import type * as ParseApi from '../api/project.js';

/**
 * The API, loaded when a command runs rather than when the CLI starts: `kpi --version`,
 * `--help` and a mistyped command must not pay for loading PGlite, pg and nunjucks.
 */
export function api(): Promise<typeof Api> {
  return import('../api.js');
}

/** Parsing and listing only (`kpi ls`, `kpi parse`): no runner, materializations or database client to load. */
export async function parseApi(): Promise<typeof ParseApi & typeof ListApi> {
  const [project, list] = await Promise.all([import('../api/project.js'), import('../api/list.js')]);
  return { ...project, ...list };
}
