import { compiledPathOf } from '../compile/compiled-path.js';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { WrittenFiles } from '../support/write-file.js';
import { compileNode } from '../compile/compile-node.js';
import { relationKinds } from '../adapters/catalog.js';
import { CompiledSqlMemo, compiledSqlMemoPath } from '../compile/compiled-sql-memo.js';
import { compileMemoized } from '../compile/compile-memoized.js';
import { CompileReplay, type CompiledNode } from './compile-replay.js';
import { load } from './features.js';
import type { LoadedProject } from '../config/load-project.js';
import { RenderPurity } from '../compile/render-purity.js';
import type { CompileSession } from '../compile/compile-node.js';
import type { ManifestNode } from '../manifest/types.js';
import { compileSession, parse, select, usingDatabase, type DatabaseOptions, type ParsedProject, type ProjectOptions, type SelectionOptions } from './project.js';

export type { CompiledNode };

export interface CompileOptions extends ProjectOptions, SelectionOptions, DatabaseOptions {
  fullRefresh?: boolean;
  /** `--empty`: refs and sources compile to `limit 0` subqueries. */
  empty?: boolean;
  /** Reuse a node's SQL from the last compile when nothing its render reads changed (default true; compile/compiled-sql-memo.ts). */
  compiledSqlMemo?: boolean;
}

/**
 * `kpi compile`: render the selected models, snapshots, tests and analyses to target/compiled/, connected (so run_query works).
 * `replay`: the replay of these options the caller already opened (the CLI tries it before loading this module).
 */
export async function compile(options: CompileOptions = {}, replay: CompileReplay<CompileOptions> | null = CompileReplay.open(options)): Promise<CompiledNode[]> {
  // An unchanged re-run is the last compile's result again (api/compile-replay.ts).
  const replayed = await replay?.replay();
  if (replayed) return replayed;
  if (!replay) return (await compileParsed(options, undefined)).nodes;
  const loaded = replay.loaded ?? load(replay.options);
  await replay.begin(loaded);
  const compiled = await compileParsed(replay.options, loaded);
  await replay.record(loaded, compiled.parsed, compiled.selected, compiled.memo, compiled.nodes);
  return compiled.nodes;
}

async function compileParsed(options: CompileOptions, loaded: LoadedProject | undefined): Promise<{ parsed: ParsedProject; selected: string[]; memo: CompiledSqlMemo | null; nodes: CompiledNode[] }> {
  const parsed = await parse(options, loaded);
  const selected = select(parsed, options, ['model', 'snapshot', 'test', 'analysis'], true).filter((id) => parsed.manifest.nodes[id].config.materialized !== 'ephemeral' || options.select?.length);
  const emit = parsed.emit;
  const session = compileSession(parsed, {
    fullRefresh: options.fullRefresh,
    empty: options.empty,
    selected,
    flags: { WHICH: 'compile' },
    log: (message) => emit({ type: 'log', level: 'info', message }),
  });
  const memo = openMemo(parsed, session, options);
  let purity: RenderPurity | undefined;
  const purityOfMacros = () => (purity ??= new RenderPurity(Object.values(parsed.manifest.macros)));
  const writeAll = async (sqlOf: (node: ManifestNode) => Promise<string>): Promise<CompiledNode[]> => {
    const files = new WrittenFiles(join(parsed.targetDir, 'compiled', '.kpi-written.json'));
    const compiled: CompiledNode[] = [];
    const shownPath = relativeTo(parsed.loaded.config.projectDir);
    for (const id of selected) {
      const node = parsed.manifest.nodes[id];
      const sql = await sqlOf(node);
      const path = compiledPathOf(parsed.targetDir, node);
      await files.write(path, sql);
      compiled.push({ unique_id: id, name: node.name, path: shownPath(path), sql });
    }
    await files.finish();
    memo?.save();
    parsed.runtime.templateCache.save();
    return compiled;
  };
  // Every selected node's SQL is remembered and none is incremental (whose SQL depends on whether its table exists): nothing to ask the database, so it is not opened.
  const done = (nodes: CompiledNode[]) => ({ parsed, selected, memo, nodes });
  if (memo && selected.every((id) => parsed.manifest.nodes[id].config.materialized !== 'incremental' && memo.has(id, false))) {
    return done(await writeAll(async (node) => memo.take(node.unique_id)));
  }
  const nodes = await usingDatabase(parsed.loaded, { ...options, lock: false, emit }, (adapter) =>
    adapter.withConnection(async (connection) => {
      // What exists, asked once for all: is_incremental() needs it for every node.
      const kinds = await relationKinds(
        connection,
        selected.map((id) => parsed.manifest.nodes[id].schema),
      );
      return writeAll(async (node) => {
        const existingTable = kinds.get(`${node.schema}.${node.alias}`) === 'table';
        return memo ? compileMemoized(session, node, { connection, existingTable }, memo, purityOfMacros) : compileNode(session, node, { connection, existingTable });
      });
    }),
  );
  return done(nodes);
}

/**
 * path.relative(dir, path) for many paths: a path already absolute and normalised under `dir`
 * (a compiled file under the project's target/) is the rest of it, without resolving both a path.
 */
function relativeTo(dir: string): (path: string) => string {
  const prefix = isAbsolute(dir) && normalize(dir) === dir && !dir.endsWith(sep) ? `${dir}${sep}` : null;
  return (path) => (prefix !== null && path.startsWith(prefix) && isAbsolute(path) && normalize(path) === path ? path.slice(prefix.length) : relative(dir, path));
}

/** The compiled-SQL memo of this project and session, or null when there is no manifest generation to key it by (no partial parse). */
function openMemo(parsed: ParsedProject, session: CompileSession, options: CompileOptions): CompiledSqlMemo | null {
  if (options.compiledSqlMemo === false || !parsed.parseGeneration) return null;
  const key = CompiledSqlMemo.key(parsed.parseGeneration, {
    target: session.target,
    flags: session.flags,
    fullRefresh: session.fullRefresh,
    empty: session.empty,
    staticParser: parsed.runtime.staticParser,
    literalSharing: parsed.runtime.literalSharing,
  });
  return new CompiledSqlMemo(compiledSqlMemoPath(parsed.targetDir), key, parsed.loaded.env, parsed.loaded.cliVars);
}
