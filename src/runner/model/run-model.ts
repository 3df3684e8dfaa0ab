import { relative } from 'node:path';
import { compiledPath } from '../../compile/compiled-path.js';
import { writeText } from '../../support/write-file.js';
import { compileNode } from '../../compile/compile-node.js';
import { KpiError } from '../../errors.js';
import { isMicrobatchModel, runMicrobatchModel } from './run-microbatch-model.js';
import { existingRelation } from '../../adapters/catalog.js';
import type { ManifestNode } from '../../manifest/types.js';
import { describeFailure, makeResult, Stopwatch } from '../../execution/node-result.js';
import type { RunContext } from '../../execution/run-context.js';
import type { NodeResult } from '../../execution/types.js';
import { materializationContext, nodeTarget } from '../../execution/materialization-context.js';
import { type BuiltMaterialization } from '../../manifest/materializations.js';
import { statementLog } from '../../execution/statement-log.js';

export async function runModel(node: ManifestNode, context: RunContext, threadId: string): Promise<NodeResult> {
  // A microbatch model runs as a series of batches, each compiled and applied on its own.
  if (isMicrobatchModel(node)) return runMicrobatchModel(node, context, threadId);
  const watch = new Stopwatch();
  const path = compiledPath(context.targetDir, node.package_name, node.original_file_path);
  const displayPath = relative(context.session.loaded.config.projectDir, path);
  let compiled: string | null = null;
  const statements = statementLog(context, node);
  try {
    const materialize = context.registry.materializations[node.config.materialized as BuiltMaterialization];
    if (!materialize) {
      throw new KpiError('KPI_MATERIALIZATION_UNKNOWN', `materialized='${node.config.materialized}' is not supported`, { node: node.unique_id });
    }
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
