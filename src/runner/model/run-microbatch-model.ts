import { dirname, join, relative } from 'node:path';
import type { Connection } from '../../adapters/adapter.js';
import { compiledPath } from '../../compile/compiled-path.js';
import { writeText } from '../../support/write-file.js';
import { compileNode } from '../../compile/compile-node.js';
import type { ManifestNode } from '../../manifest/types.js';
import { describeFailure, describeNode, makeResult, Stopwatch } from '../../execution/node-result.js';
import type { RunContext } from '../../execution/run-context.js';
import type { BatchDescription, NodeResult } from '../../execution/types.js';
import { existingRelation, type ExistingType } from '../../adapters/catalog.js';
import { materializeIncremental } from '../../materializations/incremental/incremental.js';
import { resolveIncrementalConfig, shouldFullRefresh, type MicrobatchConfig } from '../../materializations/incremental/incremental-config.js';
import { batchId, batchLabel, planBatches } from '../../materializations/incremental/microbatch/batch-windows.js';
import { sqlTime, type BatchWindow } from '../../compile/event-time-relation.js';
import type { BatchResults } from '../../materializations/incremental/microbatch/event-time-range.js';
import { materializationContext, nodeTarget } from '../../execution/materialization-context.js';
import { statementLog, type StatementLog } from '../../execution/statement-log.js';

export function isMicrobatchModel(node: ManifestNode): boolean {
  return node.config.materialized === 'incremental' && node.config.incremental_strategy === 'microbatch';
}

interface BatchOutcome {
  window: BatchWindow;
  label: string;
  status: 'success' | 'error' | 'skipped';
  message: string;
  code?: string;
  rows: number | null;
  executionTime: number;
  compiled: string | null;
}

const iso = (time: Date): string => time.toISOString().replace('.000Z', 'Z');

/** The window of every batch to run: the failed ones of the last run on `retry`, else as the config and flags say. */
function batchesToRun(config: MicrobatchConfig, context: RunContext, node: ManifestNode, incremental: boolean, retry: BatchResults | undefined): BatchWindow[] {
  if (retry) return retry.failed.map(([start, end]) => ({ start: new Date(start), end: new Date(end) }));
  const { eventTimeStart, eventTimeEnd } = context.microbatch ?? {};
  return planBatches(config, { incremental, now: context.session.now, eventTimeStart, eventTimeEnd });
}

interface BatchRun {
  node: ManifestNode;
  context: RunContext;
  connection: Connection;
  existing: ExistingType | null;
  window: BatchWindow;
  label: string;
  config: MicrobatchConfig;
  statements: StatementLog;
  /** Whether the batch merges into the table (false: it builds the table, as a first run does). */
  incremental: boolean;
  first: boolean;
  last: boolean;
}

/**
 * One batch: compiled with its own window (refs and sources with event_time filtered to
 * it, `model.batch` set), then applied in its own transaction by the incremental
 * materialization. Pre-hooks run with the first batch and post-hooks with the last, as dbt.
 */
async function runBatch(run: BatchRun): Promise<BatchOutcome> {
  const { node, context, connection, window, label } = run;
  const started = performance.now();
  const batchNode = {
    ...node,
    // The copy's full_refresh decides is_incremental() and the materialization's path for this batch alone.
    config: { ...node.config, full_refresh: !run.incremental, pre_hook: run.first ? node.config.pre_hook : [], post_hook: run.last ? node.config.post_hook : [] },
    batch: { id: batchId(window.start, run.config.batchSize), event_time_start: sqlTime(window.start), event_time_end: sqlTime(window.end) },
  } as ManifestNode;
  const base = compiledPath(context.targetDir, node.package_name, node.original_file_path);
  const path = join(dirname(base), node.name, `${node.name}_${label}.sql`);
  const displayPath = relative(context.session.loaded.config.projectDir, path);
  let compiled: string | null = null;
  try {
    const options = { connection, existingTable: run.incremental, eventTimeFilter: window };
    compiled = await compileNode(context.session, batchNode, options);
    writeText(path, compiled);
    const outcome = await materializeIncremental(
      materializationContext({ context, node: batchNode, connection, existing: run.existing, compiled, hooks: { existingTable: run.incremental }, onStatement: run.statements.record }),
    );
    return { window, label, status: 'success', message: outcome.message, rows: outcome.rowsAffected, executionTime: (performance.now() - started) / 1000, compiled };
  } catch (error) {
    const failure = describeFailure(error, batchNode, compiled, compiled ? displayPath : null);
    return { window, label, status: 'error', message: failure.message, code: failure.code, rows: null, executionTime: (performance.now() - started) / 1000, compiled };
  }
}

/**
 * A microbatch model (dbt 1.9+): its rows are built batch by batch, each batch in its own
 * transaction, so a failed batch does not undo the ones that succeeded. If the first batch
 * fails the rest are skipped (it may be the one that creates the table). The result is
 * `success`, `partial success` or `error`, with the batches in `detail.batch_results`
 * for `kpi retry`.
 */
export async function runMicrobatchModel(node: ManifestNode, context: RunContext, threadId: string): Promise<NodeResult> {
  const watch = new Stopwatch();
  const description = describeNode(node);
  const statements = statementLog(context, node);
  try {
    const config = resolveIncrementalConfig(node).microbatch as MicrobatchConfig;
    return await context.adapter.withConnection(async (connection) => {
      watch.begin('execute');
      const existing = await existingRelation(connection, nodeTarget(node));
      const previous = context.microbatch?.previousBatchResults?.[node.unique_id];
      // A retry redoes failed batches of a table that exists: it merges, whatever the earlier flags were.
      const retry = previous && previous.failed.length > 0 && existing === 'table' ? previous : undefined;
      const incremental = existing === 'table' && (retry !== undefined || !shouldFullRefresh(node, context.session.fullRefresh));
      const windows = batchesToRun(config, context, node, incremental, retry);

      const outcomes: BatchOutcome[] = [];
      for (const [index, window] of windows.entries()) {
        const label = batchLabel(window.start, config.batchSize);
        const batch: BatchDescription = { index: index + 1, total: windows.length, label, start: iso(window.start), end: iso(window.end) };
        let outcome: BatchOutcome;
        if (outcomes[0]?.status === 'error') {
          outcome = { window, label, status: 'skipped', message: `skipped because the first batch (${outcomes[0].label}) failed`, rows: null, executionTime: 0, compiled: null };
        } else {
          context.emit({ type: 'batch_started', node: description, batch });
          outcome = await runBatch({
            node,
            context,
            connection,
            existing: index === 0 ? existing : 'table',
            window,
            label,
            config,
            statements,
            incremental: index === 0 ? incremental : true,
            first: index === 0,
            last: index === windows.length - 1,
          });
        }
        outcomes.push(outcome);
        context.emit({ type: 'batch_finished', node: description, batch, status: outcome.status, message: outcome.message, execution_time: Number(outcome.executionTime.toFixed(4)) });
      }
      return summarize(node, threadId, watch, outcomes, retry);
    }, node.unique_id);
  } catch (error) {
    const failure = describeFailure(error, node, null, null);
    return makeResult(node, 'error', { threadId, watch, message: failure.message, error_code: failure.code });
  } finally {
    statements.save();
  }
}

function summarize(node: ManifestNode, threadId: string, watch: Stopwatch, outcomes: BatchOutcome[], retry: BatchResults | undefined): NodeResult {
  const succeeded = outcomes.filter((outcome) => outcome.status === 'success');
  const failed = outcomes.filter((outcome) => outcome.status !== 'success');
  const window = (outcome: BatchOutcome): [string, string] => [iso(outcome.window.start), iso(outcome.window.end)];
  const batchResults: BatchResults = {
    // As dbt: a retry's result also lists the batches that succeeded before, so the next retry knows the whole model.
    successful: [...(retry?.successful ?? []), ...succeeded.map(window)].sort((a, b) => a[0].localeCompare(b[0])),
    failed: failed.map(window),
  };
  const detail = {
    strategy: 'microbatch',
    batch_results: batchResults,
    batches: outcomes.map((outcome) => ({
      batch: outcome.label,
      start: iso(outcome.window.start),
      end: iso(outcome.window.end),
      status: outcome.status,
      message: outcome.message,
      execution_time: Number(outcome.executionTime.toFixed(4)),
    })),
  };
  const rows = succeeded.reduce((sum, outcome) => sum + (outcome.rows ?? 0), 0);
  const compiled = [...outcomes].reverse().find((outcome) => outcome.compiled !== null)?.compiled ?? null;
  const common = { threadId, watch, detail, compiled: compiled !== null, compiled_code: compiled };
  const errors = failed.filter((outcome) => outcome.status === 'error');
  const failures = errors.map((outcome) => `batch ${outcome.label}: ${outcome.message}`);
  if (failed.length === 0) {
    const message = 'SUCCESS';
    return makeResult(node, 'success', { ...common, message, adapter_response: { _message: message, code: message, rows_affected: rows } });
  }
  if (succeeded.length === 0) {
    return makeResult(node, 'error', { ...common, message: failures.join('\n'), error_code: errors[0]?.code ?? 'KPI_DATABASE_ERROR' });
  }
  const message = `PARTIAL SUCCESS (${succeeded.length}/${outcomes.length})`;
  return makeResult(node, 'partial success', {
    ...common,
    message: [message, ...failures].join('\n'),
    error_code: errors[0]?.code,
    adapter_response: { _message: message, code: 'PARTIAL SUCCESS', rows_affected: rows },
  });
}
