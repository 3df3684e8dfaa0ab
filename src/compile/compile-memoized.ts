import type { Connection } from '../adapters/adapter.js';
import type { ManifestNode } from '../manifest/types.js';
import { compileNode, type CompileSession } from './compile-node.js';
import type { CompiledSqlMemo } from './compiled-sql-memo.js';
import type { RenderPurity } from './render-purity.js';

/** A connection that notes whether anything was asked of it: a render that queried is not remembered. */
function watched(connection: Connection): { connection: Connection; used: () => boolean } {
  let used = false;
  const proxy = new Proxy(connection, {
    get: (target, name) => {
      const value = Reflect.get(target, name) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        used = true;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { connection: proxy, used: () => used };
}

/**
 * `compileNode` for `kpi compile`, through the compiled-SQL memo: the SQL of the last compile
 * when nothing its render read changed, else a render that records what it read and is
 * remembered when it was pure (render-purity.ts: its text and the ephemerals' it rendered,
 * and no query on the connection). The purity of the project's macros is worked out on the first render only.
 */
export async function compileMemoized(
  session: CompileSession,
  node: ManifestNode,
  options: { connection: Connection; existingTable: boolean },
  memo: CompiledSqlMemo,
  purity: () => RenderPurity,
): Promise<string> {
  // Only an incremental model's render reads whether its table exists (is_incremental()).
  const existingTable = options.existingTable && node.config.materialized === 'incremental';
  const remembered = memo.lookup(node.unique_id, existingTable);
  if (remembered !== undefined) return remembered;
  const reads = memo.reads();
  const tracked: CompileSession = { ...session, loaded: { ...session.loaded, env: reads.env, cliVars: reads.cliVars } };
  const { connection, used } = watched(options.connection);
  const rendered: ManifestNode[] = [];
  const sql = await compileNode(tracked, node, { connection, existingTable: options.existingTable, rendered });
  if (!used() && rendered.every((each) => purity().isPure(each.raw_code))) memo.remember(node.unique_id, existingTable, sql, reads.finish());
  return sql;
}
