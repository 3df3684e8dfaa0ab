import type { Knex } from 'knex';
import type { MartTables } from '../../mart/queries/mart-tables.js';
import { tableRef } from '../../mart/queries/sql-builder.js';

/** One KPI's sparkline as read: days as offsets from the first sparkline day, with the figures of each. */
export interface SparklineRow {
  kpiId: number;
  offsets: number[];
  values: Array<number | null>;
  lower: Array<number | null>;
  upper: Array<number | null>;
  statuses: Array<string | null>;
}

/**
 * The board's sparklines: one row per KPI holding its days' figures as arrays, to run with
 * the board's other queries in one statement (runQueries). A row per KPI, not per day:
 * turning each of a 90-day board's 2,430 rows into a JSON object with its column names was
 * most of the board's time on PGlite (13-17 ms of the query; as arrays, 2 ms). The KPIs
 * are named (`= any`) so the (kpi_id, entity_id, window_days, as_of_date) index serves
 * each series as one range.
 */
export function sparklinesQuery(knex: Knex, tables: MartTables, filter: { from: string; to: string; kpiIds: readonly number[]; entityId: number; window: number }): Knex.QueryBuilder {
  const ordered = (expression: string) => knex.raw(`json_agg(${expression} order by t.as_of_date)`);
  return knex
    .from(tableRef(tables.thresholds, 't'))
    .select({
      kpi_id: 't.kpi_id',
      offsets: knex.raw('json_agg(t.as_of_date - ?::date order by t.as_of_date)', [filter.from]),
      values: ordered('t.value'),
      lower: ordered('t.lower_threshold'),
      upper: ordered('t.upper_threshold'),
      statuses: ordered('t.status'),
    })
    .whereBetween('t.as_of_date', [filter.from, filter.to])
    .where('t.kpi_id', knex.raw('any(?::int[])', [[...filter.kpiIds]]))
    .where('t.entity_id', filter.entityId)
    .where('t.window_days', filter.window)
    .groupBy('t.kpi_id');
}

const numbers = (value: unknown): Array<number | null> => (Array.isArray(value) ? value.map((item) => (typeof item === 'number' && Number.isFinite(item) ? item : null)) : []);

export function toSparklineRows(rows: ReadonlyArray<Record<string, unknown>>): SparklineRow[] {
  return rows.map((row) => ({
    kpiId: Number(row.kpi_id),
    offsets: numbers(row.offsets).map(Number),
    values: numbers(row.values),
    lower: numbers(row.lower),
    upper: numbers(row.upper),
    statuses: Array.isArray(row.statuses) ? row.statuses.map((status) => (status === null ? null : String(status))) : [],
  }));
}
