import type { Connection } from '../../adapters/adapter.js';

export interface RelationColumn {
  name: string;
  /** Postgres's own spelling of the type (`character varying(20)`, `numeric(12,2)`, `integer[]`): valid in DDL as is. */
  type: string;
}

// format_type rather than information_schema.data_type: the latter says `ARRAY` or
// `USER-DEFINED` and drops lengths, which cannot be compared or written back as DDL.
const COLUMNS_SQL = `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
from pg_attribute a
where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped
order by a.attnum`;

/** The columns of a table (temporary ones too), in order. `relation` is SQL text: `"s"."t"` or `pg_temp."t"`. */
export async function relationColumns(connection: Connection, relation: string): Promise<RelationColumn[]> {
  const result = await connection.query<RelationColumn>(COLUMNS_SQL, [relation]);
  return result.rows.map((row) => ({ name: String(row.name), type: String(row.type) }));
}
