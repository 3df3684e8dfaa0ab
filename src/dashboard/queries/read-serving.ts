import type { Connection } from '../../adapters/adapter.js';
import type { MartTables } from '../../mart/queries/mart-tables.js';
import { toServingRow, type ServingRow } from '../../mart/queries/read-statuses.js';
import { runQuery, sqlBuilder, tableRef } from '../../mart/queries/sql-builder.js';

/** The serving table (the newest day, every KPI, entity and window): what /metrics reports. */
export async function readServing(connection: Connection, tables: MartTables): Promise<ServingRow[]> {
  const knex = await sqlBuilder();
  const rows = await runQuery<Record<string, unknown>>(
    connection,
    knex
      .from(tableRef(tables.serving, 's'))
      .select(knex.raw('s.as_of_date::text as as_of_date'), 's.kpi_id', 's.entity_id', 's.window_days', 's.value', 's.lower_threshold', 's.upper_threshold', 's.status'),
  );
  const serving = rows.map(toServingRow);
  return serving.sort((a, b) => a.kpiId - b.kpiId || a.entityId - b.entityId || a.window - b.window);
}
