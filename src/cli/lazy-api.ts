import type * as Api from '../api.js';
import type * as ListApi from '../api/list.js';
import type * as ParseApi from '../api/project.js';
import type * as ExecuteApi from '../api/execute.js';
import type * as CompileApi from '../api/compile.js';
import type * as ShowApi from '../api/show.js';

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

/**
 * `run`, `build`, `seed`, `snapshot`, `test`: the runner and the target's database client,
 * not the dashboard, docs, alerts or the other database's client (about 120 modules).
 */
export function executeApi(): Promise<typeof ExecuteApi> {
  return import('../api/execute.js');
}

/**
 * `compile` and `show`: no runner, and no features over the engine. An unchanged re-run of
 * `kpi compile` is replayed (api/compile-replay.ts) before the parser, nunjucks or a database
 * client is loaded.
 */
export function compileApi(): { compile: typeof CompileApi.compile; show: typeof ShowApi.show } {
  return {
    compile: async (options = {}) => {
      const { CompileReplay } = await import('../api/compile-replay.js');
      const replay = CompileReplay.open(options);
      return (await replay?.replay()) ?? (await import('../api/compile.js')).compile(options, replay);
    },
    show: async (options) => (await import('../api/show.js')).show(options),
  };
}
