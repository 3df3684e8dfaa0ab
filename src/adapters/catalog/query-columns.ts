import type { Connection } from '../adapter.js';

/** A column of a query's result: its name and type, as Postgres names the type (`integer`, `text[]`), without modifiers. */
export interface QueryColumn {
  name: string;
  dataType: string;
}

/**
 * The columns a SELECT yields, without running it for rows: dbt's get_column_schema_from_query
 * (`select * from (...) where false limit 0`, the types from the result's description). The
 * type's modifiers (a varchar's length, a numeric's precision) are not in a result's
 * description, so they are not compared, as in dbt-postgres. Two round trips, so this
 * question is asked on a connection only (no `CatalogQuery`): templates do not ask it.
 */
export async function queryColumns(connection: Connection, sql: string): Promise<QueryColumn[]> {
  const result = await connection.query(`select * from (\n${sql}\n) as __kpi_sbq where false limit 0`);
  const oids = [...new Set(result.fields.map((field) => field.dataTypeID))];
  const names = await connection.query<{ oid: number; name: string }>('select oid::int as oid, format_type(oid, null) as name from pg_type where oid = any($1::oid[])', [oids]);
  const byOid = new Map(names.rows.map((row) => [Number(row.oid), String(row.name)]));
  return result.fields.map((field) => ({ name: field.name, dataType: byOid.get(field.dataTypeID) ?? `oid ${field.dataTypeID}` }));
}
