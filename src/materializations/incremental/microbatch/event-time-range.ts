import { KpiError } from '../../../errors.js';
import { parseUtcTimestamp } from '../incremental-config.js';

/** A microbatch model's batch outcomes, as run_results.json records them (dbt's batch_results). */
export interface BatchResults {
  /** [start, end] of each batch, ISO 8601 in UTC. */
  successful: Array<[string, string]>;
  failed: Array<[string, string]>;
}

/** What a run tells microbatch models beyond the usual: a backfill window, and for `retry` the batches to redo. */
export interface MicrobatchRunOptions {
  eventTimeStart?: Date;
  eventTimeEnd?: Date;
  /** retry: the previous run's batch results, by model; only the failed batches run again. */
  previousBatchResults?: Record<string, BatchResults>;
}

/**
 * --event-time-start / --event-time-end. As in dbt they go together, are UTC, and the
 * start comes before the end.
 */
export function parseEventTimeRange(start: string | undefined, end: string | undefined): Pick<MicrobatchRunOptions, 'eventTimeStart' | 'eventTimeEnd'> {
  if (start === undefined && end === undefined) return {};
  if (start === undefined || end === undefined) {
    throw new KpiError('KPI_USAGE', `--event-time-start and --event-time-end go together; only --event-time-${start === undefined ? 'end' : 'start'} was given`, {
      hint: "give both, e.g. --event-time-start '2024-09-01' --event-time-end '2024-09-04'",
    });
  }
  const parsed = [start, end].map((value, index) => {
    const time = parseUtcTimestamp(value);
    if (!time) throw new KpiError('KPI_USAGE', `--event-time-${index === 0 ? 'start' : 'end'} '${value}' is not a date or a date-time`, { hint: "write 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS' (UTC)" });
    return time;
  });
  if (parsed[0] >= parsed[1]) throw new KpiError('KPI_USAGE', `--event-time-start (${start}) must come before --event-time-end (${end})`);
  return { eventTimeStart: parsed[0], eventTimeEnd: parsed[1] };
}
