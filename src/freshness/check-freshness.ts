import { inTransaction, type Connection } from '../adapters/adapter.js';
import { errorMessage, KpiError } from '../errors.js';
import { responseMessage } from '../materializations/materialization.js';
import { StatementError } from '../adapters/statement-error.js';
import type { FreshnessConfig, SourceDefinition } from '../manifest/types.js';
import { Stopwatch } from '../execution/node-result.js';
import type { NodeResult } from '../execution/types.js';
import { freshnessQuery } from './freshness-query.js';
import { freshnessStatus, type FreshnessStatus } from './freshness-status.js';

/** One entry of target/sources.json, in dbt's shape. */
export type SourceFreshnessResult =
  | {
      unique_id: string;
      status: FreshnessStatus;
      max_loaded_at: string;
      snapshotted_at: string;
      max_loaded_at_time_ago_in_s: number;
      criteria: { warn_after: { count: number | null; period: string | null }; error_after: { count: number | null; period: string | null }; filter: string | null };
      adapter_response: NodeResult['adapter_response'];
      timing: NodeResult['timing'];
      thread_id: string;
      execution_time: number;
    }
  | { unique_id: string; status: 'runtime error'; error: string };

function criteriaOf(freshness: FreshnessConfig) {
  const rule = (value: FreshnessConfig['warn_after']) => ({ count: value?.count ?? null, period: value?.period ?? null });
  return { warn_after: rule(freshness.warn_after), error_after: rule(freshness.error_after), filter: freshness.filter ?? null };
}

function describe(age: number): string {
  const hours = age / 3600;
  return hours >= 48 ? `${(hours / 24).toFixed(1)} days` : hours >= 1 ? `${hours.toFixed(1)} hours` : `${Math.round(age / 60)} minutes`;
}

/**
 * Check one source: how long ago its newest row was loaded, against `warn_after` and
 * `error_after`. Returns the sources.json entry and the result the reporter shows; a
 * failing query is a `runtime error`, never a throw.
 */
export async function checkFreshness(source: SourceDefinition, loadedAtField: string, connection: Connection, threadId: string): Promise<{ entry: SourceFreshnessResult; result: NodeResult }> {
  const watch = new Stopwatch();
  const freshness = source.freshness ?? {};
  const sql = freshnessQuery(source, loadedAtField, freshness.filter ?? null);
  const base = { unique_id: source.unique_id, thread_id: threadId, compiled: true, compiled_code: sql, relation_name: source.relation_name };
  try {
    watch.begin('execute');
    const queried = await inTransaction(connection, async () => {
      await connection.query("set local time zone 'UTC'");
      try {
        return await connection.query<{ max_loaded_at: string | null; snapshotted_at: string; age_seconds: number | null }>(sql);
      } catch (error) {
        throw StatementError.from(sql, error);
      }
    });
    watch.end();
    const row = queried.rows[0];
    if (!row || row.max_loaded_at === null || row.age_seconds === null) {
      throw new KpiError(
        'KPI_SOURCE_FRESHNESS',
        `${source.source_name}.${source.name} has no ${loadedAtField} to measure: the table is empty${freshness.filter ? ' (after the filter)' : ''} or the column is all null`,
        {
          location: { file: source.original_file_path },
        },
      );
    }
    const status = freshnessStatus(freshness, row.age_seconds);
    const message = responseMessage(queried, 'SELECT');
    const adapterResponse = { _message: message, code: message.split(' ')[0], rows_affected: queried.rowCount };
    const executionTime = Number(watch.seconds.toFixed(4));
    const entry: SourceFreshnessResult = {
      unique_id: source.unique_id,
      status,
      max_loaded_at: row.max_loaded_at,
      snapshotted_at: row.snapshotted_at,
      max_loaded_at_time_ago_in_s: row.age_seconds,
      criteria: criteriaOf(freshness),
      adapter_response: adapterResponse,
      timing: watch.timing,
      thread_id: threadId,
      execution_time: executionTime,
    };
    const limit = status === 'error' ? freshness.error_after : status === 'warn' ? freshness.warn_after : null;
    return {
      entry,
      result: {
        ...base,
        status,
        timing: watch.timing,
        execution_time: executionTime,
        adapter_response: adapterResponse,
        message: limit ? `last loaded ${describe(row.age_seconds)} ago (${row.max_loaded_at}), more than ${limit.count} ${limit.period}${limit.count === 1 ? '' : 's'}` : null,
        failures: null,
        detail: { freshness_status: status, max_loaded_at: row.max_loaded_at },
      },
    };
  } catch (error) {
    const message = error instanceof StatementError ? `Database error in source ${source.source_name}.${source.name}: ${error.message}` : errorMessage(error);
    return {
      entry: { unique_id: source.unique_id, status: 'runtime error', error: message },
      result: {
        ...base,
        status: 'error',
        timing: watch.timing,
        execution_time: Number(watch.seconds.toFixed(4)),
        adapter_response: {},
        message,
        failures: null,
        error_code: error instanceof StatementError ? 'KPI_DATABASE_ERROR' : error instanceof KpiError ? error.code : 'KPI_INTERNAL',
        detail: { freshness_status: 'runtime error' },
      },
    };
  }
}
