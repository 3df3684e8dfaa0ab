import { relative } from 'node:path';
import { compiledPathOf } from '../compile/compiled-path.js';
import { writeText } from '../support/write-file.js';
import { compileNode } from '../compile/compile-node.js';
import { existingRelation } from '../adapters/catalog.js';
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

/** `kpi compile`: render the selected models and tests to target/compiled/, connected (so run_query works). */
export async function compile(options: CompileOptions = {}): Promise<CompiledNode[]> {
  const parsed = await parse(options);
  const selected = select(parsed, options, ['model', 'test'], true).filter((id) => parsed.manifest.nodes[id].config.materialized !== 'ephemeral' || options.select?.length);
  const emit = parsed.emit;
  const session = compileSession(parsed, { fullRefresh: options.fullRefresh, empty: options.empty, selected, flags: { WHICH: 'compile' }, log: (message) => emit({ type: 'log', level: 'info', message }) });
  return usingDatabase(parsed.loaded, { ...options, lock: false, emit }, async (adapter) => {
    const compiled: CompiledNode[] = [];
    for (const id of selected) {
      const node = parsed.manifest.nodes[id];
      const sql = await adapter.withConnection(async (connection) => {
        const existing = await existingRelation(connection, { schema: node.schema, identifier: node.alias });
        return compileNode(session, node, { connection, existingTable: existing === 'table' });
      });
      const path = compiledPathOf(parsed.targetDir, node);
      writeText(path, sql);
      compiled.push({ unique_id: id, name: node.name, path: relative(parsed.loaded.config.projectDir, path), sql });
    }
    return compiled;
  });
}
