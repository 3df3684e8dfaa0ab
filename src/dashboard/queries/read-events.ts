import type { Connection } from '../../adapters/adapter.js';
import type { MartTables } from './mart-tables.js';
import { runQuery, sqlBuilder, tableRef } from './sql-builder.js';

/** kpi_events days in a range that apply to one KPI and entity (a blank entity or KPI applies to all). */
export async function readEvents(
  connection: Connection,
  tables: MartTables,
  filter: { from: string; to: string; kpiCode: string; entityId: number },
): Promise<Array<{ date: string; description: string }>> {
  const knex = await sqlBuilder();
  const rows = await runQuery<{ event_date: string; description: string | null }>(
    connection,
    knex
      .from(tableRef(tables.events, 'v'))
      .select(knex.raw('v.event_date::text as event_date'), 'v.description')
      .whereBetween('v.event_date', [filter.from, filter.to])
      .where((scope) => scope.whereNull('v.entity_id').orWhere('v.entity_id', filter.entityId))
      .where((scope) => scope.whereNull('v.kpi_code').orWhere('v.kpi_code', '').orWhere('v.kpi_code', filter.kpiCode)),
  );
  return rows.map((row) => ({ date: row.event_date, description: row.description ?? 'event' })).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
