import { relative } from 'node:path';
import { compiledPath } from '../compile/compiled-path.js';
import { writeText } from '../support/write-file.js';
import { compileNode, renderHookSql } from '../compile/compile-node.js';
import { KpiError } from '../errors.js';
import { materializeIncremental } from '../materializations/incremental/incremental.js';
import { isMicrobatchModel, runMicrobatchModel } from '../materializations/incremental/microbatch/run-microbatch-model.js';
import { existingRelation, statementRunner, type Materialize } from '../materializations/materialization.js';
import { materializeTable } from '../materializations/table.js';
import { materializeView } from '../materializations/view.js';
import type { ManifestNode } from '../manifest/types.js';
import { describeFailure, makeResult, Stopwatch } from './node-result.js';
import type { RunContext } from './run-context.js';
import type { NodeResult } from './types.js';

/** Materializations by name; incremental and others register here. */
export const MATERIALIZE: Record<string, Materialize> = {
  view: materializeView,
  table: materializeTable,
  incremental: materializeIncremental,
};

export function registerMaterialization(name: string, materialize: Materialize): void {
  MATERIALIZE[name] = materialize;
}

/** A compiled SELECT, ready to wrap in DDL: no trailing semicolon. */
export function asSubquery(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

export async function runModel(node: ManifestNode, context: RunContext, threadId: string): Promise<NodeResult> {
  // A microbatch model runs as a series of batches, each compiled and applied on its own.
  if (isMicrobatchModel(node)) return runMicrobatchModel(node, context, threadId);
  const watch = new Stopwatch();
  const path = compiledPath(context.targetDir, node.package_name, node.original_file_path);
  const displayPath = relative(context.session.loaded.config.projectDir, path);
  let compiled: string | null = null;
  try {
    const materialize = MATERIALIZE[node.config.materialized];
    if (!materialize) {
      throw new KpiError('KPI_MATERIALIZATION_UNKNOWN', `materialized='${node.config.materialized}' is not supported`, { node: node.unique_id });
    }
    return await context.adapter.withConnection(async (connection) => {
      const target = { schema: node.schema, identifier: node.alias };
      watch.begin('compile');
      const existing = await existingRelation(connection, target);
      compiled = await compileNode(context.session, node, { connection, existingTable: existing === 'table' });
      writeText(path, compiled);
      watch.begin('execute');
      const sql = asSubquery(compiled);
      const outcome = await materialize({
        node,
        sql,
        connection,
        target,
        existing,
        fullRefresh: context.session.fullRefresh,
        run: statementRunner(connection),
        // Hooks see the node's is_incremental(), as in dbt.
        renderHook: (hook) => renderHookSql(context.session, node, hook.sql, connection, { existingTable: existing === 'table' }),
      });
      return makeResult(node, 'success', {
        threadId,
        watch,
        message: outcome.message,
        adapter_response: { _message: outcome.message, code: outcome.message.split(' ')[0], rows_affected: outcome.rowsAffected },
        compiled: true,
        compiled_code: compiled,
        detail: outcome.detail,
      });
    });
  } catch (error) {
    const failure = describeFailure(error, node, compiled, compiled ? displayPath : null);
    return makeResult(node, 'error', { threadId, watch, message: failure.message, error_code: failure.code, compiled: compiled !== null, compiled_code: compiled });
  }
}
