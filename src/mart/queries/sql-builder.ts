import type { Knex } from 'knex';
import type { Connection } from '../../adapters/adapter.js';
import type { TableName } from './mart-tables.js';

let builder: Promise<Knex> | null = null;

/**
 * knex as a query builder only: it compiles to SQL text and bindings, which run on kpi's
 * own connection. It is given no connection, so it never opens one (nor loads a driver).
 * Loaded on first use: requiring it costs half a second that no other command should pay.
 */
export function sqlBuilder(): Promise<Knex> {
  builder ??= import('knex').then((module) => module.default({ client: 'pg' }));
  return builder;
}

/** `schema.table as alias` for knex's from/join, each part quoted by knex. */
export function tableRef(table: TableName, alias: string): string {
  return `${table.schema}.${table.identifier} as ${alias}`;
}

export interface CompiledQuery {
  sql: string;
  bindings: readonly unknown[];
}

export function compileQuery(query: Knex.QueryBuilder | Knex.Raw): CompiledQuery {
  const native = query.toSQL().toNative();
  return { sql: native.sql, bindings: native.bindings };
}

/**
 * Run built queries on `connection` as ONE statement, each query's rows coming back as a
 * json text, its values bound as parameters. One statement: a request is one round trip
 * to the server whatever it reads (on a busy server each costs milliseconds). Json: PGlite
 * hands each row and field to JavaScript separately (about 0.1 ms a row: a 90-day board of
 * 2,400 rows took 250 ms), one text parsed at once takes a tenth of that. json_agg does not
 * promise a subquery's order: callers sort what they need sorted. Dates come back as
 * YYYY-MM-DD, numerics as numbers.
 */
export async function runQueries(connection: Connection, queries: ReadonlyArray<Knex.QueryBuilder | Knex.Raw>): Promise<Array<Array<Record<string, unknown>>>> {
  const knex = await sqlBuilder();
  const columns = queries.map((_query, index) => `(select coalesce(json_agg(q), '[]'::json) from (?) as q)::text as r${index}`);
  const { sql, bindings } = compileQuery(knex.raw(`select ${columns.join(', ')}`, [...queries]));
  const [row] = (await connection.query<Record<string, string>>(sql, bindings)).rows;
  return queries.map((_query, index) => JSON.parse(row?.[`r${index}`] ?? '[]') as Array<Record<string, unknown>>);
}

/** One built query's rows (runQueries). */
export async function runQuery<Row>(connection: Connection, query: Knex.QueryBuilder | Knex.Raw): Promise<Row[]> {
  const [rows] = await runQueries(connection, [query]);
  return rows as Row[];
}
