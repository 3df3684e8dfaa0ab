import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KpiError } from '../errors.js';
import type { BatchResults } from '../materializations/incremental/microbatch/event-time-range.js';
import type { NodeResult } from '../execution/types.js';
import { execute, type RunOptions, type RunSummary } from './execute.js';
import { targetDirOf, type DatabaseOptions, type ProjectOptions } from './project.js';
import { load } from './features.js';

export interface RetryOptions extends ProjectOptions, DatabaseOptions {
  /** The folder holding the run_results.json to retry; the project's target/ when omitted. */
  state?: string;
  /** As RunOptions.signal. */
  signal?: AbortSignal;
}

/** What dbt retries: failures, and what they kept from running. */
const RETRYABLE = new Set(['error', 'fail', 'skipped', 'partial success']);
const RETRYABLE_COMMANDS = ['run', 'build', 'seed', 'snapshot', 'test'] as const;

interface PreviousRun {
  results: Array<NodeResult & { detail?: { batch_results?: BatchResults } }>;
  args: Record<string, unknown>;
}

function readPreviousRun(dir: string): PreviousRun {
  const path = join(dir, 'run_results.json');
  if (!existsSync(path)) {
    throw new KpiError('KPI_STATE_NOT_FOUND', `no run_results.json in ${dir}: there is no earlier run to retry`, {
      hint: 'run `kpi run` or `kpi build` first, or point --state at the target/ folder of an earlier run',
    });
  }
  return JSON.parse(readFileSync(path, 'utf8')) as PreviousRun;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * `kpi retry` (dbt retry): run again the nodes of the last run that failed or were skipped,
 * with that run's command and flags; of a microbatch model that partly succeeded, only the
 * failed batches. `vars`, `threads` and `target` given now win over the earlier ones. The
 * retry writes its own run_results.json, so retrying again picks up what still fails.
 */
export async function retry(options: RetryOptions = {}): Promise<RunSummary> {
  const loaded = load(options);
  const dir = options.state ? resolve(loaded.config.projectDir, options.state) : targetDirOf(loaded);
  const previous = readPreviousRun(dir);
  const command = previous.args.which;
  if (!RETRYABLE_COMMANDS.includes(command as (typeof RETRYABLE_COMMANDS)[number])) {
    throw new KpiError('KPI_USAGE', `the last invocation was '${String(command)}', which kpi retry cannot repeat`, { hint: `retry repeats ${RETRYABLE_COMMANDS.join(', ')}` });
  }
  const nodeIds = previous.results.filter((result) => RETRYABLE.has(result.status)).map((result) => result.unique_id);
  const previousBatchResults: Record<string, BatchResults> = {};
  for (const result of previous.results) {
    const batches = result.detail?.batch_results;
    // Only a partly built model retries batch by batch; one with no successful batch runs afresh, as in dbt.
    if (RETRYABLE.has(result.status) && batches && batches.successful.length > 0 && batches.failed.length > 0) previousBatchResults[result.unique_id] = batches;
  }
  const args = previous.args;
  const threads = typeof args.threads === 'number' ? args.threads : undefined;
  const runOptions: RunOptions = {
    ...options,
    target: options.target ?? text(args.target),
    vars: options.vars ?? text(args.vars),
    threads: options.threads ?? threads,
    fullRefresh: args.fullRefresh === true,
    failFast: args.failFast === true,
    storeFailures: args.storeFailures === true,
    eventTimeStart: text(args.eventTimeStart),
    eventTimeEnd: text(args.eventTimeEnd),
    nodeIds,
    previousBatchResults,
  };
  return execute(command as (typeof RETRYABLE_COMMANDS)[number], runOptions);
}
