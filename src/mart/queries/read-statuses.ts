import type { Knex } from 'knex';
import type { MartTables } from './mart-tables.js';
import { tableRef } from './sql-builder.js';
import { toNumber, toText } from './to-values.js';

/** One kpi_thresholds row: a KPI × entity × window × day, scored. */
export interface StatusRow {
  date: string;
  kpiId: number;
  entityId: number;
  window: number;
  value: number | null;
  lower: number | null;
  upper: number | null;
  zscore: number | null;
  pctChange: number | null;
  pctChangeVs: string | null;
  signals: string;
  countedSignals: string;
  status: string;
  /** The model's own reason (codes and raw numbers); describe-status.ts turns it into words. */
  reason: string | null;
}

export interface StatusFilter {
  from: string;
  to: string;
  kpiIds?: readonly number[];
  entityIds?: readonly number[];
  windows?: readonly number[];
}

/**
 * kpi_thresholds rows for a day range, narrowed by KPI, entity and window, to run with a
 * request's other queries in one statement (runQueries); toStatusRows reads them. Each
 * list is a `= any` bound as one array: with the KPIs named, the (kpi_id, entity_id,
 * window_days, as_of_date) index serves a series; with one day, the (as_of_date, …) one.
 */
export function statusesQuery(knex: Knex, tables: MartTables, filter: StatusFilter): Knex.QueryBuilder {
  const query = knex
    .from(tableRef(tables.thresholds, 't'))
    .select('t.as_of_date', 't.kpi_id', 't.entity_id', 't.window_days', 't.value', 't.lower_threshold', 't.upper_threshold', 't.status')
    .select('t.seasonal_zscore', 't.pct_change', 't.pct_change_vs', 't.signals', 't.counted_signals', 't.reason');
  if (filter.from === filter.to) query.where('t.as_of_date', filter.from);
  else query.whereBetween('t.as_of_date', [filter.from, filter.to]);
  const list = (column: string, values: readonly number[] | undefined) => {
    if (!values) return;
    if (values.length === 1) query.where(column, values[0]);
    else query.where(column, knex.raw('any(?::int[])', [[...values]]));
  };
  list('t.kpi_id', filter.kpiIds);
  list('t.entity_id', filter.entityIds);
  list('t.window_days', filter.windows);
  return query;
}

/** Rows as read, by day, KPI, entity and window. */
export function toStatusRows(rows: ReadonlyArray<Record<string, unknown>>): StatusRow[] {
  return rows.map(toStatusRow).sort((a, b) => (a.date === b.date ? a.kpiId - b.kpiId || a.entityId - b.entityId || a.window - b.window : a.date < b.date ? -1 : 1));
}

/** What the serving table holds of a status row: the newest day's figures, no signals. */
export type ServingRow = Pick<StatusRow, 'date' | 'kpiId' | 'entityId' | 'window' | 'value' | 'lower' | 'upper' | 'status'>;

/** The columns the serving table shares with kpi_thresholds, as read (dates and numerics arrive as text). */
export function toServingRow(row: Record<string, unknown>): ServingRow {
  return {
    date: String(row.as_of_date),
    kpiId: Number(row.kpi_id),
    entityId: Number(row.entity_id),
    window: Number(row.window_days),
    value: toNumber(row.value),
    lower: toNumber(row.lower_threshold),
    upper: toNumber(row.upper_threshold),
    status: String(row.status ?? '')
      .trim()
      .toLowerCase(),
  };
}

/** A kpi_thresholds row as read. */
export function toStatusRow(row: Record<string, unknown>): StatusRow {
  return {
    ...toServingRow(row),
    zscore: toNumber(row.seasonal_zscore),
    pctChange: toNumber(row.pct_change),
    pctChangeVs: toText(row.pct_change_vs),
    signals: String(row.signals ?? ''),
    countedSignals: String(row.counted_signals ?? ''),
    reason: toText(row.reason),
  };
}
