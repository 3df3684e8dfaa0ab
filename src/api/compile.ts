import { compiledPathOf } from '../compile/compiled-path.js';
import { join, relative } from 'node:path';
import { WrittenFiles } from '../support/write-file.js';
import { compileNode } from '../compile/compile-node.js';
import { relationKinds } from '../adapters/catalog.js';
import { compileSession, parse, select, usingDatabase, type DatabaseOptions, type ProjectOptions, type SelectionOptions } from './project.js';

export interface CompiledNode {
  unique_id: string;
  name: string;
  /** Relative to the project directory. */
  path: string;
  sql: string;
}

export interface CompileOptions extends ProjectOptions, SelectionOptions, DatabaseOptions {
  fullRefresh?: boolean;
  /** `--empty`: refs and sources compile to `limit 0` subqueries. */
  empty?: boolean;
}

/** `kpi compile`: render the selected models, snapshots, tests and analyses to target/compiled/, connected (so run_query works). */
export async function compile(options: CompileOptions = {}): Promise<CompiledNode[]> {
  const parsed = await parse(options);
  const selected = select(parsed, options, ['model', 'snapshot', 'test', 'analysis'], true).filter((id) => parsed.manifest.nodes[id].config.materialized !== 'ephemeral' || options.select?.length);
  const emit = parsed.emit;
  const session = compileSession(parsed, {
    fullRefresh: options.fullRefresh,
    empty: options.empty,
    selected,
    flags: { WHICH: 'compile' },
    log: (message) => emit({ type: 'log', level: 'info', message }),
  });
  return usingDatabase(parsed.loaded, { ...options, lock: false, emit }, (adapter) =>
    adapter.withConnection(async (connection) => {
      // What exists, asked once for all: is_incremental() needs it for every node.
      const kinds = await relationKinds(
        connection,
        selected.map((id) => parsed.manifest.nodes[id].schema),
      );
      const files = new WrittenFiles(join(parsed.targetDir, 'compiled', '.kpi-written.json'));
      const compiled: CompiledNode[] = [];
      for (const id of selected) {
        const node = parsed.manifest.nodes[id];
        const sql = await compileNode(session, node, { connection, existingTable: kinds.get(`${node.schema}.${node.alias}`) === 'table' });
        const path = compiledPathOf(parsed.targetDir, node);
        await files.write(path, sql);
        compiled.push({ unique_id: id, name: node.name, path: relative(parsed.loaded.config.projectDir, path), sql });
      }
      await files.finish();
      parsed.runtime.templateCache.save();
      return compiled;
    }),
  );
}
