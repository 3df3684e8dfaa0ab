/**
 * The time windows a microbatch model runs in, as dbt-core's MicrobatchBuilder computes
 * them. Every time is UTC (dbt assumes UTC for event_time, begin and the CLI flags).
 */
import type { BatchWindow } from '../../../compile/event-time-relation.js';
import type { BatchSize, MicrobatchConfig } from '../incremental-config.js';

export function truncateTime(time: Date, size: BatchSize): Date {
  const y = time.getUTCFullYear();
  switch (size) {
    case 'hour':
      return new Date(Date.UTC(y, time.getUTCMonth(), time.getUTCDate(), time.getUTCHours()));
    case 'day':
      return new Date(Date.UTC(y, time.getUTCMonth(), time.getUTCDate()));
    case 'month':
      return new Date(Date.UTC(y, time.getUTCMonth(), 1));
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
  }
}

/** The start of the batch `offset` batches from the one `time` falls in. */
export function offsetTime(time: Date, size: BatchSize, offset: number): Date {
  const start = truncateTime(time, size);
  switch (size) {
    case 'hour':
      return new Date(start.getTime() + offset * 3_600_000);
    case 'day':
      // Date.UTC normalises day overflow, so month and year ends need no special case.
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + offset));
    case 'month':
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + offset, 1));
    case 'year':
      return new Date(Date.UTC(start.getUTCFullYear() + offset, 0, 1));
  }
}

/** `time` moved up to the next batch boundary (unchanged when it is on one). */
export function ceilTime(time: Date, size: BatchSize): Date {
  const start = truncateTime(time, size);
  return start.getTime() === time.getTime() ? start : offsetTime(start, size, 1);
}

/** How dbt names a batch in its log lines: 2024-09-17T16, 2024-09-17, 2024-09, 2024. */
export function batchLabel(start: Date, size: BatchSize): string {
  const iso = start.toISOString();
  switch (size) {
    case 'hour':
      return iso.slice(0, 13);
    case 'day':
      return iso.slice(0, 10);
    case 'month':
      return iso.slice(0, 7);
    case 'year':
      return iso.slice(0, 4);
  }
}

/** `model.batch.id`: the label without dashes (20240917). */
export function batchId(start: Date, size: BatchSize): string {
  return batchLabel(start, size).replace(/-/g, '');
}

/** Consecutive batches from `start` up to `end`; the last one ends exactly at `end`. */
export function splitIntoBatches(start: Date, end: Date, size: BatchSize): BatchWindow[] {
  const batches: BatchWindow[] = [];
  for (let batchStart = start; batchStart < end;) {
    const next = offsetTime(batchStart, size, 1);
    batches.push({ start: batchStart, end: next < end ? next : end });
    batchStart = next;
  }
  return batches;
}

export interface BatchPlanInput {
  /** The table exists and this is not a full refresh. */
  incremental: boolean;
  /** The run's start time: batches run up to the end of its batch. */
  now: Date;
  /** --event-time-start / --event-time-end, for backfills. */
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
}

/**
 * Which batches a run processes. A first run or a full refresh starts at `begin`; an
 * incremental run reprocesses `lookback` batches before the current one; a backfill runs
 * the batches its flags cover. The end is rounded up to a batch boundary, so the current
 * batch is whole.
 */
export function planBatches(config: MicrobatchConfig, input: BatchPlanInput): BatchWindow[] {
  const size = config.batchSize;
  const end = ceilTime(input.eventTimeEnd ?? input.now, size);
  let start: Date;
  if (input.eventTimeStart) start = truncateTime(input.eventTimeStart, size);
  else if (!input.incremental) start = truncateTime(config.begin, size);
  // `end` is on a boundary, so the batch before it is the current one: lookback more before that.
  else start = offsetTime(end, size, -(config.lookback + 1));
  return splitIntoBatches(start, end, size);
}
