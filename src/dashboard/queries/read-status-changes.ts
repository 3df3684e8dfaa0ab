import type { Connection } from '../../adapters/adapter.js';
import type { MartTables } from '../../mart/queries/mart-tables.js';
import { toStatusRow, type StatusRow } from '../../mart/queries/read-statuses.js';
import { runQuery, sqlBuilder, tableRef } from '../../mart/queries/sql-builder.js';

export interface StatusChangeRow extends StatusRow {
  previous: string;
}

/**
 * The days in [from, to] whose status differs from the same KPI × entity × window's day
 * before, for one entity and window. The day before `from` is read too, so a change on
 * `from` itself is seen.
 */
export async function readStatusChanges(
  connection: Connection,
  tables: MartTables,
  filter: { from: string; to: string; entityId: number; window: number; kpiIds: readonly number[] },
): Promise<StatusChangeRow[]> {
  const knex = await sqlBuilder();
  const days = knex
    .from(tableRef(tables.thresholds, 't'))
    .select(
      't.as_of_date',
      't.kpi_id',
      't.entity_id',
      't.window_days',
      't.value',
      't.lower_threshold',
      't.upper_threshold',
      't.seasonal_zscore',
      't.pct_change',
      't.pct_change_vs',
      't.signals',
      't.counted_signals',
      't.status',
      't.reason',
      knex.raw('lag(t.status) over (partition by t.kpi_id order by t.as_of_date) as previous'),
    )
    .where('t.kpi_id', knex.raw('any(?::int[])', [[...filter.kpiIds]]))
    .where('t.entity_id', filter.entityId)
    .where('t.window_days', filter.window)
    .whereBetween('t.as_of_date', [knex.raw('?::date - 1', [filter.from]), filter.to]);
  const rows = await runQuery<Record<string, unknown>>(
    connection,
    knex.from(days.as('c')).select('c.*').where('c.as_of_date', '>=', filter.from).whereRaw('c.previous is distinct from c.status').whereNotNull('c.previous'),
  );
  const changes = rows.map((row) => ({ ...toStatusRow(row), previous: String(row.previous).trim().toLowerCase() }));
  return changes.sort((a, b) => (a.date === b.date ? a.kpiId - b.kpiId : a.date < b.date ? 1 : -1));
}
