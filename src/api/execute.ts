import { join } from 'node:path';
import { buildRunResults } from '../artifacts/run-results.js';
import { writeJson } from '../support/write-file.js';
import type { Manifest, ResourceType } from '../manifest/types.js';
import { parseEventTimeRange, type BatchResults } from '../materializations/incremental/microbatch/event-time-range.js';
import { executeNodes } from '../runner/execute-nodes.js';
import type { NodeResult } from '../execution/types.js';
import { compileSession, parse, select, usingDatabase, type DatabaseOptions, type ProjectOptions, type SelectionOptions } from './project.js';
import { REGISTRY } from './executors.js';

export interface RunOptions extends ProjectOptions, SelectionOptions, DatabaseOptions {
  fullRefresh?: boolean;
  /** `--empty` (run, build): models read their refs and sources as `limit 0` subqueries. */
  empty?: boolean;
  failFast?: boolean;
  /** `--store-failures`: every test keeps its failing rows in the audit schema. */
  storeFailures?: boolean;
  /** --event-time-start / --event-time-end: the window microbatch models build (a backfill), in UTC. */
  eventTimeStart?: string;
  eventTimeEnd?: string;
  /** `retry`: run exactly these nodes, in dependency order, instead of a selection. */
  nodeIds?: string[];
  /** `retry`: the previous run's batch results of microbatch models; only their failed batches run. */
  previousBatchResults?: Record<string, BatchResults>;
  /**
   * Abort to interrupt the run (the CLI does on Ctrl-C): nothing new starts, running statements
   * are cancelled on a server, every interrupted node rolls back and reports `error`, the rest
   * `skipped`; run_results.json is written, so `retry` runs what did not finish.
   */
  signal?: AbortSignal;
}

export interface RunSummary {
  command: string;
  results: NodeResult[];
  success: boolean;
  /** The signal was aborted while the run went on. */
  interrupted: boolean;
  elapsedSeconds: number;
  manifest: Manifest;
}

const COMMAND_TYPES: Record<string, { types: ResourceType[]; indirectTests: boolean; testsGateChildren: boolean }> = {
  run: { types: ['model'], indirectTests: false, testsGateChildren: false },
  seed: { types: ['seed'], indirectTests: false, testsGateChildren: false },
  snapshot: { types: ['snapshot'], indirectTests: false, testsGateChildren: false },
  test: { types: ['test', 'unit_test'], indirectTests: true, testsGateChildren: false },
  build: { types: ['model', 'seed', 'snapshot', 'test', 'unit_test'], indirectTests: true, testsGateChildren: true },
};

/** `run`, `seed`, `snapshot`, `test` and `build`: select, execute in DAG order, write run_results.json. */
export async function execute(command: keyof typeof COMMAND_TYPES, options: RunOptions = {}): Promise<RunSummary> {
  const started = performance.now();
  const parsed = await parse(options);
  const kind = COMMAND_TYPES[command];
  const eventTime = parseEventTimeRange(options.eventTimeStart, options.eventTimeEnd);
  const selected = options.nodeIds ? parsed.graph.topologicalOrder(options.nodeIds.filter((id) => parsed.manifest.nodes[id] !== undefined)) : select(parsed, options, kind.types, kind.indirectTests);
  const emit = parsed.emit;
  const counts: Record<string, number> = {};
  for (const id of selected) {
    const node = parsed.manifest.nodes[id];
    if (node.config.materialized === 'ephemeral') continue;
    // dbt 1.8+ counts "data tests" apart from unit tests.
    const key = node.resource_type === 'model' ? `${node.config.materialized} model` : node.resource_type === 'test' ? 'data test' : node.resource_type.replace('_', ' ');
    counts[key] = (counts[key] ?? 0) + 1;
  }
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  if (selected.length === 0 && !options.nodeIds) {
    // A selection that matches nothing of this command's kind is not an error (dbt warns); a misspelt one was refused in select().
    emit({ type: 'log', level: 'warn', message: `Nothing to do: nothing selected is a ${kind.types.join(', ').replace('_', ' ')} (what kpi ${command} runs); check --select and --exclude` });
  }
  const results =
    selected.length === 0
      ? []
      : await usingDatabase(parsed.loaded, { ...options, lock: true, emit }, async (adapter) => {
          emit({ type: 'run_started', command, counts, threads: parsed.loaded.target.threads, target: parsed.loaded.target.name, adapter: adapter.describe(), total });
          const session = compileSession(parsed, {
            fullRefresh: options.fullRefresh,
            empty: options.empty,
            selected,
            flags: { WHICH: command, STORE_FAILURES: Boolean(options.storeFailures) },
            log: (message) => emit({ type: 'log', level: 'info', message }),
          });
          return executeNodes(
            {
              session,
              graph: parsed.graph,
              adapter,
              emit,
              targetDir: parsed.targetDir,
              command,
              registry: REGISTRY,
              signal: options.signal,
              microbatch: { ...eventTime, previousBatchResults: options.previousBatchResults },
            },
            selected,
            { threads: parsed.loaded.target.threads, failFast: Boolean(options.failFast), testsGateChildren: kind.testsGateChildren, runHooks: true },
          );
        });
  parsed.runtime.templateCache.save();
  const elapsedSeconds = (performance.now() - started) / 1000;
  writeJson(join(parsed.targetDir, 'run_results.json'), buildRunResults(results, { invocationId: parsed.invocationId, command, elapsedSeconds, now: parsed.now, options }));
  emit({ type: 'run_finished', command, results, elapsedSeconds, interrupted: Boolean(options.signal?.aborted) });
  // As in dbt, a partial success (some batches of a microbatch model failed) is not a success.
  const success = results.every((result) => result.status !== 'error' && result.status !== 'fail' && result.status !== 'partial success');
  return { command, results, success, interrupted: Boolean(options.signal?.aborted), elapsedSeconds, manifest: parsed.manifest };
}

export const run = (options: RunOptions = {}) => execute('run', options);
export const build = (options: RunOptions = {}) => execute('build', options);
export const seed = (options: RunOptions = {}) => execute('seed', options);
export const snapshot = (options: RunOptions = {}) => execute('snapshot', options);
