import { relative } from 'node:path';
import { existingRelation } from '../adapters/catalog.js';
import { compileNode } from '../compile/compile-node.js';
import { compiledPathOf } from '../compile/compiled-path.js';
import { materializationContext, nodeTarget } from '../execution/materialization-context.js';
import { describeFailure, makeResult, Stopwatch } from '../execution/node-result.js';
import type { RunContext } from '../execution/run-context.js';
import { statementLog } from '../execution/statement-log.js';
import type { NodeResult } from '../execution/types.js';
import type { ManifestNode } from '../manifest/types.js';
import type { Materialize } from '../materializations/materialization.js';
import { writeText } from '../support/write-file.js';

/**
 * A model or snapshot on one connection: compile it (is_incremental() sees what exists),
 * write target/compiled/, then build it with `materialize`; the result as run_results.json
 * holds it, and the statements it ran in target/run/. `materialize` is looked up inside,
 * so an unknown materialization is this node's error, not the run's.
 */
export async function runMaterialized(node: ManifestNode, context: RunContext, threadId: string, materializeFor: () => Materialize): Promise<NodeResult> {
  const watch = new Stopwatch();
  const path = compiledPathOf(context.targetDir, node);
  const displayPath = relative(context.session.loaded.config.projectDir, path);
  let compiled: string | null = null;
  const statements = statementLog(context, node);
  try {
    const materialize = materializeFor();
    return await context.adapter.withConnection(async (connection) => {
      watch.begin('compile');
      const existing = await existingRelation(connection, nodeTarget(node));
      compiled = await compileNode(context.session, node, { connection, existingTable: existing === 'table' });
      writeText(path, compiled);
      watch.begin('execute');
      const outcome = await materialize(materializationContext({ context, node, connection, existing, compiled, hooks: { existingTable: existing === 'table' }, onStatement: statements.record }));
      return makeResult(node, 'success', {
        threadId,
        watch,
        message: outcome.message,
        adapter_response: { _message: outcome.message, code: outcome.message.split(' ')[0], rows_affected: outcome.rowsAffected },
        compiled: true,
        compiled_code: compiled,
        detail: outcome.detail,
      });
    }, node.unique_id);
  } catch (error) {
    const failure = describeFailure(error, node, compiled, compiled ? displayPath : null);
    return makeResult(node, 'error', { threadId, watch, message: failure.message, error_code: failure.code, compiled: compiled !== null, compiled_code: compiled });
  } finally {
    statements.save();
  }
}
