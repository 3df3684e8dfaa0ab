import type { Connection } from '../adapters/adapter.js';
import { qualified, quoteIdentifier } from '../adapters/quote.js';
import { KpiError } from '../errors.js';
import { tableColumns } from './table-columns.js';
import { READ_COLUMNS, tableText, type BoardRow, type TableName } from './types.js';

export interface BoardQuery {
  /** YYYY-MM-DD, or null for the latest as-of date of the serving table. */
  date: string | null;
  window: number;
}

export interface BoardRead {
  date: string;
  /** The serving table holds the latest date; earlier dates come from the history. */
  source: TableName;
  rows: BoardRow[];
}

const SERVING_REQUIRED = ['as_of_date', 'window_days', 'kpi_id', 'entity_id', 'metric_key', 'status'];
const HISTORY_REQUIRED = ['as_of_date', 'window_days', 'kpi_id', 'entity_id', 'status'];
/** What the history lacks and the serving table knows about a KPI whatever the date. */
const KPI_DESCRIPTION = ['kpi_code', 'kpi_name', 'metric_key', 'section', 'subcategory', 'link'];
const NUMBERS = new Set<string>(['value', 'rolling_mean', 'rolling_std', 'lower_threshold', 'upper_threshold', 'seasonal_zscore', 'pct_change']);

/** A table kpi alerts reads, with the columns it must have; a clear error when it is missing or short. */
export async function requireTable(connection: Connection, table: TableName, required: readonly string[], role: string, option: string): Promise<Set<string>> {
  const columns = await tableColumns(connection, table);
  if (!columns) {
    throw new KpiError('KPI_NOT_FOUND', `the ${role} table ${tableText(table)} does not exist`, {
      hint: `build the KPI mart first (kpi build), or name the table with ${option}`,
    });
  }
  const missing = required.filter((column) => !columns.has(column));
  if (missing.length > 0) {
    throw new KpiError('KPI_NOT_FOUND', `the ${role} table ${tableText(table)} has no column ${missing.join(', ')}, which kpi alerts reads`, {
      hint: `kpi alerts reads ${required.join(', ')} from it`,
    });
  }
  return columns;
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

function toText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export function toBoardRow(raw: Record<string, unknown>): BoardRow {
  const row: Record<string, unknown> = {};
  for (const column of READ_COLUMNS) {
    const value = raw[column];
    row[column] = NUMBERS.has(column) ? toNumber(value) : column === 'kpi_id' || column === 'entity_id' ? (value ?? null) : toText(value);
  }
  row.window_days = toNumber(raw.window_days);
  row.status = String(raw.status ?? '')
    .trim()
    .toLowerCase();
  return row as unknown as BoardRow;
}

/** One select-list entry a board column: from the first relation (alias) that has it, else null. */
function selectList(sources: Array<{ alias: string; columns: ReadonlySet<string>; only?: readonly string[] }>): string {
  return READ_COLUMNS.map((column) => {
    const source = sources.find((candidate) => candidate.columns.has(column) && (!candidate.only || candidate.only.includes(column)));
    if (!source) return `null as ${quoteIdentifier(column)}`;
    const reference = `${source.alias}.${quoteIdentifier(column)}`;
    return column === 'as_of_date' ? `${reference}::text as as_of_date` : reference;
  }).join(', ');
}

async function noRows(connection: Connection, table: TableName, query: { date: string; window: number }): Promise<KpiError> {
  const relation = qualified(table.schema, table.identifier);
  const windows = await connection.query<{ window_days: unknown }>(`select distinct window_days from ${relation} where as_of_date = $1::date order by 1`, [query.date]);
  const range = await connection.query<{ first: string | null; last: string | null }>(`select min(as_of_date)::text as first, max(as_of_date)::text as last from ${relation}`);
  const { first, last } = range.rows[0] ?? { first: null, last: null };
  const hint =
    windows.rows.length > 0
      ? `windows there on ${query.date}: ${windows.rows.map((row) => String(row.window_days)).join(', ')}`
      : first
        ? `as-of dates there run from ${first} to ${last}`
        : `${tableText(table)} is empty`;
  return new KpiError('KPI_NOT_FOUND', `no KPI statuses for ${query.date}, ${query.window}-day window, in ${tableText(table)}`, { hint });
}

/**
 * The board for one as-of date and window: from the serving table when the date is its
 * latest (or none was asked for), else from the status history, with each KPI's
 * metric_key, section and link taken from the serving table.
 */
export async function readBoard(connection: Connection, tables: { serving: TableName; history: TableName }, query: BoardQuery): Promise<BoardRead> {
  const servingColumns = await requireTable(connection, tables.serving, SERVING_REQUIRED, 'serving', '--serving-table');
  const serving = qualified(tables.serving.schema, tables.serving.identifier);
  const latest = (await connection.query<{ latest: string | null }>(`select max(as_of_date)::text as latest from ${serving}`)).rows[0]?.latest ?? null;
  if (latest === null) {
    throw new KpiError('KPI_NOT_FOUND', `the serving table ${tableText(tables.serving)} is empty`, { hint: 'build the KPI mart (kpi build) to fill it' });
  }
  const date = query.date ?? latest;
  if (date === latest) {
    const result = await connection.query(`select ${selectList([{ alias: 's', columns: servingColumns }])} from ${serving} as s where s.as_of_date = $1::date and s.window_days = $2`, [
      date,
      query.window,
    ]);
    if (result.rows.length === 0) throw await noRows(connection, tables.serving, { date, window: query.window });
    return { date, source: tables.serving, rows: result.rows.map(toBoardRow) };
  }
  const historyColumns = await requireTable(connection, tables.history, HISTORY_REQUIRED, 'history', '--history-table');
  const described = KPI_DESCRIPTION.filter((column) => servingColumns.has(column));
  const sql = `select ${selectList([
    { alias: 'h', columns: historyColumns },
    { alias: 'm', columns: new Set(described), only: described },
  ])}
from ${qualified(tables.history.schema, tables.history.identifier)} as h
left join (
  select distinct on (kpi_id, entity_id) kpi_id, entity_id${described.map((column) => `, ${quoteIdentifier(column)}`).join('')}
  from ${serving}
  order by kpi_id, entity_id, window_days
) as m on m.kpi_id = h.kpi_id and m.entity_id = h.entity_id
where h.as_of_date = $1::date and h.window_days = $2`;
  const result = await connection.query(sql, [date, query.window]);
  if (result.rows.length === 0) throw await noRows(connection, tables.history, { date, window: query.window });
  return { date, source: tables.history, rows: result.rows.map(toBoardRow) };
}
