import type { Connection } from '../../adapters/adapter.js';
import type { TypedColumn } from './fixture-sql.js';

// format_type with the type modifier keeps numeric(10,2) and varchar(20), as dbt's
// get_columns_in_relation does; only the catalog is read, never the relation's rows.
const COLUMNS_SQL = `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relname = $2 and a.attnum > 0 and not a.attisdropped
order by a.attnum`;

/** The columns of a table or view with their types; empty when the relation does not exist. */
export async function relationColumns(connection: Connection, schema: string, identifier: string): Promise<TypedColumn[]> {
  const result = await connection.query<TypedColumn>(COLUMNS_SQL, [schema, identifier]);
  return result.rows;
}
