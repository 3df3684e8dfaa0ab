import type * as Api from '../api.js';

/**
 * The API, loaded when a command runs rather than when the CLI starts: `kpi --version`,
 * `--help` and a mistyped command must not pay for loading PGlite, pg and nunjucks.
 */
export function api(): Promise<typeof Api> {
  return import('../api.js');
}
