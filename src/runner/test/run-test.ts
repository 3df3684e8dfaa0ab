import { relative } from 'node:path';
import type { Connection } from '../../adapters/adapter.js';
import { compiledPathOf } from '../../compile/compiled-path.js';
import { writeText } from '../../support/write-file.js';
import { compileNode, executeHost } from '../../compile/compile-node.js';
import { KpiError } from '../../errors.js';
import { createSchema, q } from '../../materializations/ddl.js';
import { responseMessage } from '../../materializations/materialization.js';
import { existingRelation } from '../../adapters/catalog.js';
import { StatementError, statementRunner } from '../../adapters/statement-error.js';
import { materializeTable } from '../../materializations/table.js';
import { materializeView } from '../../materializations/view.js';
import type { ManifestNode } from '../../manifest/types.js';
import { describeFailure, makeResult, Stopwatch } from '../../execution/node-result.js';
import type { RunContext } from '../../execution/run-context.js';
import type { NodeResult } from '../../execution/types.js';
import { renderText } from '../../template/render-template.js';
import { storesFailures } from '../../project/tests/test-config.js';
import { testOutcome, type TestCountRow } from './test-outcome.js';
import { asSubquery, materializationContext, nodeTarget } from '../../execution/materialization-context.js';
import { statementLog, type StatementLog } from '../../execution/statement-log.js';

const COUNT_TEMPLATE = '{{ get_test_sql(__kpi_main_sql, __kpi_fail_calc, __kpi_warn_if, __kpi_error_if, __kpi_limit) }}';

/**
 * Keep the failing rows as dbt does: a table (or view) named after the test in its audit
 * schema, replaced on every run, so it always holds the latest failures (none when it passed).
 */
async function storeFailures(node: ManifestNode, sql: string, as: 'table' | 'view', connection: Connection, context: RunContext, statements: StatementLog): Promise<string> {
  const run = statementRunner(connection);
  const target = nodeTarget(node);
  try {
    await run(createSchema(node.schema));
  } catch (error) {
    // Tests running in parallel may create the audit schema at the same moment; Postgres lets one win and fails the other.
    if (!(error instanceof StatementError && (error.sqlState === '23505' || error.sqlState === '42P06'))) throw error;
  }
  const materialize = as === 'view' ? materializeView : materializeTable;
  await materialize(materializationContext({ context, node, connection, existing: await existingRelation(connection, target), compiled: sql, fullRefresh: false, onStatement: statements.record }));
  return q(target);
}

/**
 * Run one data test: compile its query (the failing rows), optionally store those rows,
 * count them with dbt's `get_test_sql` wrapper (fail_calc, warn_if, error_if, limit), and
 * turn the count into pass / warn / fail. A database error is the test's `error`.
 */
export async function runTest(node: ManifestNode, context: RunContext, threadId: string): Promise<NodeResult> {
  const watch = new Stopwatch();
  const path = compiledPathOf(context.targetDir, node);
  const displayPath = relative(context.session.loaded.config.projectDir, path);
  let compiled: string | null = null;
  const statements = statementLog(context, node);
  try {
    return await context.adapter.withConnection(async (connection) => {
      watch.begin('compile');
      compiled = await compileNode(context.session, node, { connection });
      writeText(path, compiled);
      watch.begin('execute');
      let mainSql = asSubquery(compiled);
      let stored: string | null = null;
      const storeAs = storesFailures(node.config, Boolean(context.session.flags.STORE_FAILURES));
      if (storeAs) {
        stored = await storeFailures(node, mainSql, storeAs, connection, context, statements);
        mainSql = `select * from ${stored}`;
      }
      const extra = {
        __kpi_main_sql: mainSql,
        __kpi_fail_calc: node.config.fail_calc,
        __kpi_warn_if: node.config.warn_if,
        __kpi_error_if: node.config.error_if,
        __kpi_limit: node.config.limit ?? null,
      };
      const countSql = await renderText(context.session.runtime, COUNT_TEMPLATE, executeHost(context.session, node, { connection, extra }, []), node.original_file_path);
      statements.record(countSql);
      const result = await statementRunner(connection)(countSql);
      if (result.rows.length !== 1) {
        throw new KpiError('KPI_DATABASE_ERROR', `the count query of test ${node.name} returned ${result.rows.length} rows instead of 1`, { node: node.unique_id });
      }
      const outcome = testOutcome(node.config, result.rows[0] as unknown as TestCountRow);
      const message = responseMessage(result, 'SELECT');
      return {
        ...makeResult(node, outcome.status, {
          threadId,
          watch,
          message: outcome.message,
          failures: outcome.failures,
          adapter_response: { _message: message, code: message.split(' ')[0], rows_affected: result.rowCount },
          compiled: true,
          compiled_code: compiled,
          detail: { file: node.original_file_path, compiled_path: displayPath, ...(stored ? { failures_relation: stored } : {}) },
        }),
        relation_name: stored,
      };
    }, node.unique_id);
  } catch (error) {
    const failure = describeFailure(error, node, compiled, compiled ? displayPath : null);
    return makeResult(node, 'error', {
      threadId,
      watch,
      message: failure.message,
      error_code: failure.code,
      compiled: compiled !== null,
      compiled_code: compiled,
      detail: { file: node.original_file_path, compiled_path: displayPath },
    });
  } finally {
    statements.save();
  }
}
