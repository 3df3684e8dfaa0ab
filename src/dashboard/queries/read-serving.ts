import type { Connection } from '../../adapters/adapter.js';
import type { MartTables } from './mart-tables.js';
import { runQuery, sqlBuilder, tableRef } from './sql-builder.js';
import { toNumber } from './to-values.js';

export interface ServingRow {
  date: string;
  kpiId: number;
  entityId: number;
  window: number;
  value: number | null;
  lower: number | null;
  upper: number | null;
  status: string;
}

/** The serving table (the newest day, every KPI, entity and window): what /metrics reports. */
export async function readServing(connection: Connection, tables: MartTables): Promise<ServingRow[]> {
  const knex = await sqlBuilder();
  const rows = await runQuery<Record<string, unknown>>(
    connection,
    knex
      .from(tableRef(tables.serving, 's'))
      .select(knex.raw('s.as_of_date::text as as_of_date'), 's.kpi_id', 's.entity_id', 's.window_days', 's.value', 's.lower_threshold', 's.upper_threshold', 's.status'),
  );
  const serving = rows.map((row) => ({
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
  }));
  return serving.sort((a, b) => a.kpiId - b.kpiId || a.entityId - b.entityId || a.window - b.window);
}
