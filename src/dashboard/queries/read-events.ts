import type { Knex } from 'knex';
import type { MartTables } from '../../mart/queries/mart-tables.js';
import { tableRef } from '../../mart/queries/sql-builder.js';

/** kpi_events days in a range that apply to one KPI and entity (a blank entity or KPI applies to all); run with others (runQueries). */
export function eventsQuery(knex: Knex, tables: MartTables, filter: { from: string; to: string; kpiCode: string; entityId: number }): Knex.QueryBuilder {
  return knex
    .from(tableRef(tables.events, 'v'))
    .select('v.event_date', 'v.description')
    .whereBetween('v.event_date', [filter.from, filter.to])
    .where((scope) => scope.whereNull('v.entity_id').orWhere('v.entity_id', filter.entityId))
    .where((scope) => scope.whereNull('v.kpi_code').orWhere('v.kpi_code', '').orWhere('v.kpi_code', filter.kpiCode));
}

export function toEvents(rows: ReadonlyArray<Record<string, unknown>>): Array<{ date: string; description: string }> {
  return rows
    .map((row) => ({ date: String(row.event_date), description: row.description === null || row.description === undefined ? 'event' : String(row.description) }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
