import type { Connection } from '../adapter.js';

/** A column of a query's result: its name and type, as Postgres names the type (`integer`, `text[]`), without modifiers. */
export interface QueryColumn {
  name: string;
  dataType: string;
}

/**
 * Postgres's own types, those its catalog files assign an oid below FirstGenbkiObjectId
 * (10000): an oid there names the same type on every server and version, so their names are
 * kept for the process once asked. A type a database created (an enum, a domain, an extension's)
 * has a higher oid, and its name depends on the database and its search_path: asked each time.
 */
const BUILT_IN_OID_LIMIT = 10000;
const builtInTypeNames = new Map<number, string>();

/**
 * The columns a SELECT yields, without running it for rows: dbt's get_column_schema_from_query
 * (`select * from (...) where false limit 0`, the types from the result's description). The
 * type's modifiers (a varchar's length, a numeric's precision) are not in a result's
 * description, so they are not compared, as in dbt-postgres. One round trip, and a second
 * for the types' names unless all are built-in types already named once in this process, so
 * this question is asked on a connection only (no `CatalogQuery`): templates do not ask it.
 */
export async function queryColumns(connection: Connection, sql: string): Promise<QueryColumn[]> {
  const result = await connection.query(`select * from (\n${sql}\n) as __kpi_sbq where false limit 0`);
  const byOid = new Map<number, string>();
  const unknown = new Set<number>();
  for (const { dataTypeID } of result.fields) {
    const known = dataTypeID < BUILT_IN_OID_LIMIT ? builtInTypeNames.get(dataTypeID) : undefined;
    if (known === undefined) unknown.add(dataTypeID);
    else byOid.set(dataTypeID, known);
  }
  if (unknown.size > 0) {
    const names = await connection.query<{ oid: number; name: string }>('select oid::int as oid, format_type(oid, null) as name from pg_type where oid = any($1::oid[])', [[...unknown]]);
    for (const row of names.rows) {
      const oid = Number(row.oid);
      byOid.set(oid, String(row.name));
      if (oid < BUILT_IN_OID_LIMIT) builtInTypeNames.set(oid, String(row.name));
    }
  }
  return result.fields.map((field) => ({ name: field.name, dataType: byOid.get(field.dataTypeID) ?? `oid ${field.dataTypeID}` }));
}
