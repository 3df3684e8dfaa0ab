import type { Connection } from '../adapters/adapter.js';
import { qualified } from '../adapters/quote.js';
import type { PeriodFigures } from '../mart/mart-types.js';
import type { MartTables } from '../mart/queries/mart-tables.js';
import { periodsQuery, toPeriodFigures } from '../mart/queries/read-periods.js';
import { runQueries, sqlBuilder } from '../mart/queries/sql-builder.js';
import { tableColumns } from './table-columns.js';
import type { TableName } from './types.js';

/** What dim_kpi says of a KPI: each field null when its column is not there. */
export interface KpiDescription {
  code: string | null;
  name: string | null;
  /** currency, count or percent (dim_kpi.format). */
  format: string | null;
  direction: string | null;
  sortOrder: number | null;
}

export interface EntityDescription {
  id: string;
  code: string;
  name: string;
}

/**
 * Everything the board shows beside a status, read from whichever of dim_kpi, dim_entity
 * and agg_kpi_dashboard the target has: a serving table built by some other project still
 * gets a board, with ids where names would be.
 */
export interface BoardDescriptions {
  kpis: Map<string, KpiDescription>;
  /** null when there is no dim_entity: entities are then known by id only. */
  entities: EntityDescription[] | null;
  /** By periodKey(kpi, entity); empty without agg_kpi_dashboard. */
  periods: Map<string, PeriodFigures>;
}

function text(value: unknown): string | null {
  return value === null || value === undefined || String(value).trim() === '' ? null : String(value);
}

async function readKpis(connection: Connection, dimKpi: TableName): Promise<Map<string, KpiDescription>> {
  const columns = await tableColumns(connection, dimKpi);
  const kpis = new Map<string, KpiDescription>();
  if (!columns?.has('kpi_id')) return kpis;
  const wanted = ['kpi_code', 'kpi_name', 'format', 'direction', 'sort_order'].filter((column) => columns.has(column));
  const result = await connection.query<Record<string, unknown>>(`select kpi_id${wanted.map((column) => `, ${column}`).join('')} from ${qualified(dimKpi.schema, dimKpi.identifier)}`);
  for (const row of result.rows) {
    const order = Number(row.sort_order);
    kpis.set(String(row.kpi_id), {
      code: text(row.kpi_code),
      name: text(row.kpi_name),
      format: text(row.format),
      direction: text(row.direction),
      sortOrder: row.sort_order !== null && row.sort_order !== undefined && Number.isFinite(order) ? order : null,
    });
  }
  return kpis;
}

async function readEntities(connection: Connection, dimEntity: TableName): Promise<EntityDescription[] | null> {
  const columns = await tableColumns(connection, dimEntity);
  if (!columns?.has('entity_id') || !columns.has('entity_code')) return null;
  const name = columns.has('entity_name') ? 'entity_name' : 'entity_code';
  const result = await connection.query<Record<string, unknown>>(`select entity_id, entity_code, ${name} as entity_name from ${qualified(dimEntity.schema, dimEntity.identifier)} order by entity_id`);
  return result.rows.map((row) => ({ id: String(row.entity_id), code: String(row.entity_code), name: text(row.entity_name) ?? String(row.entity_code) }));
}

async function readPeriods(connection: Connection, tables: MartTables, date: string): Promise<Map<string, PeriodFigures>> {
  const columns = await tableColumns(connection, tables.dashboard);
  if (!columns?.has('mtd_value') || !columns.has('day_prior')) return new Map();
  const knex = await sqlBuilder();
  const [rows] = await runQueries(connection, [periodsQuery(knex, tables, { date })]);
  return toPeriodFigures(rows);
}

export async function readDescriptions(connection: Connection, tables: MartTables, date: string): Promise<BoardDescriptions> {
  return {
    kpis: await readKpis(connection, tables.dimKpi),
    entities: await readEntities(connection, tables.dimEntity),
    periods: await readPeriods(connection, tables, date),
  };
}
