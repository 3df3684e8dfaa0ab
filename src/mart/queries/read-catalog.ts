import type { Connection } from '../../adapters/adapter.js';
import type { EntityInfo, KpiInfo } from '../mart-types.js';
import type { MartTables } from './mart-tables.js';
import { runQuery, sqlBuilder, tableRef } from './sql-builder.js';
import { toNumber, toText } from './to-values.js';

/** The KPIs, the entities that have statuses, and the windows: what requests are checked against. */
export interface MartCatalog {
  kpis: KpiInfo[];
  entities: EntityInfo[];
  windows: number[];
}

/** ALL (entity 0, the total) first, then by name. */
function entityOrder(a: EntityInfo, b: EntityInfo): number {
  return Number(b.id === 0) - Number(a.id === 0) || a.name.localeCompare(b.name) || a.id - b.id;
}

/**
 * dim_kpi in sort order; the dim_entity rows and windows that kpi_thresholds scores on its
 * newest day (an entity without data would show an empty board).
 */
export async function readCatalog(connection: Connection, tables: MartTables, latestDate: string | null): Promise<MartCatalog> {
  const knex = await sqlBuilder();
  const kpiRows = await runQuery<Record<string, unknown>>(
    connection,
    knex.from(tableRef(tables.dimKpi, 'k')).select('k.kpi_id', 'k.kpi_code', 'k.kpi_name', 'k.category', 'k.subcategory', 'k.format', 'k.direction', 'k.sort_order', 'k.description'),
  );
  const kpis = kpiRows.map((row): KpiInfo => ({
    id: Number(row.kpi_id),
    code: String(row.kpi_code),
    name: String(row.kpi_name ?? row.kpi_code),
    section: String(row.category ?? 'Other'),
    subcategory: toText(row.subcategory),
    format: String(row.format ?? 'count'),
    direction: String(row.direction ?? 'neutral'),
    sortOrder: toNumber(row.sort_order) ?? Number(row.kpi_id),
    description: toText(row.description),
  }));
  kpis.sort((a, b) => a.sortOrder - b.sortOrder || a.id - b.id);
  if (latestDate === null) return { kpis, entities: [], windows: [] };
  const scored = knex.from(tableRef(tables.thresholds, 't')).where('t.as_of_date', latestDate);
  const entityRows = await runQuery<Record<string, unknown>>(
    connection,
    knex.from(tableRef(tables.dimEntity, 'e')).select('e.entity_id', 'e.entity_code', 'e.entity_name', 'e.entity_type').whereIn('e.entity_id', scored.clone().distinct('t.entity_id')),
  );
  const windowRows = await runQuery<{ window_days: unknown }>(connection, scored.clone().distinct('t.window_days'));
  const entities = entityRows
    .map((row): EntityInfo => ({ id: Number(row.entity_id), code: String(row.entity_code), name: String(row.entity_name ?? row.entity_code), type: toText(row.entity_type) }))
    .sort(entityOrder);
  return { kpis, entities, windows: windowRows.map((row) => Number(row.window_days)).sort((a, b) => a - b) };
}
