import type { Knex } from 'knex';
import { PERIODS, type PeriodFigures } from '../mart-types.js';
import type { MartTables } from './mart-tables.js';
import { tableRef } from './sql-builder.js';
import { toNumber } from './to-values.js';

export function periodKey(kpiId: number, entityId: number): string {
  return `${kpiId}:${entityId}`;
}

/**
 * agg_kpi_dashboard's day, MTD, QTD, YTD and last-28 figures on one as-of date. Run with
 * others (runQueries); toPeriodFigures keys the rows by `periodKey`.
 */
export function periodsQuery(knex: Knex, tables: MartTables, filter: { date: string; kpiId?: number; entityId?: number }): Knex.QueryBuilder {
  const columns = PERIODS.flatMap((period) => [`${period}_value`, `${period}_prior`, `${period}_delta`, `${period}_delta_pct`].map((column) => `d.${column}`));
  const query = knex
    .from(tableRef(tables.dashboard, 'd'))
    .select('d.kpi_id', 'd.entity_id', ...columns)
    .where('d.as_of_date', filter.date);
  if (filter.kpiId !== undefined) query.where('d.kpi_id', filter.kpiId);
  if (filter.entityId !== undefined) query.where('d.entity_id', filter.entityId);
  return query;
}

export function toPeriodFigures(rows: ReadonlyArray<Record<string, unknown>>): Map<string, PeriodFigures> {
  const figures = new Map<string, PeriodFigures>();
  for (const row of rows) {
    const periods = {} as PeriodFigures;
    for (const period of PERIODS) {
      periods[period] = {
        value: toNumber(row[`${period}_value`]),
        prior: toNumber(row[`${period}_prior`]),
        delta: toNumber(row[`${period}_delta`]),
        deltaPct: toNumber(row[`${period}_delta_pct`]),
      };
    }
    figures.set(periodKey(Number(row.kpi_id), Number(row.entity_id)), periods);
  }
  return figures;
}
