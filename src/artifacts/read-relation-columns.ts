import type { Connection } from '../adapters/adapter.js';

/** One column of one relation, as the Postgres catalog describes it. */
export interface RelationColumnRow {
  table_schema: string;
  table_name: string;
  table_type: string;
  table_comment: string | null;
  table_owner: string | null;
  /** pg_class.reltuples: the planner's row estimate (-1 or 0 before the first ANALYZE). */
  estimated_rows: number;
  /** Bytes on disk with indexes and TOAST, for tables and materialized views; null for views. */
  bytes: number | null;
  column_name: string;
  column_index: number;
  column_type: string;
  column_comment: string | null;
}

/**
 * Every column of every table and view in `schemas`, in column order. Types are what
 * `format_type` prints (`character varying(20)`, `numeric(10,2)`, `integer[]`), as
 * dbt-postgres reports them and as psql's \d shows them; the index is attnum, which is
 * information_schema's ordinal_position.
 */
export async function readRelationColumns(connection: Connection, schemas: readonly string[]): Promise<RelationColumnRow[]> {
  if (schemas.length === 0) return [];
  const result = await connection.query<RelationColumnRow>(
    `select sch.nspname as table_schema,
            tbl.relname as table_name,
            case tbl.relkind when 'v' then 'VIEW' when 'm' then 'MATERIALIZED VIEW' when 'f' then 'FOREIGN TABLE' else 'BASE TABLE' end as table_type,
            tbl_desc.description as table_comment,
            pg_catalog.pg_get_userbyid(tbl.relowner) as table_owner,
            tbl.reltuples::float8 as estimated_rows,
            case when tbl.relkind in ('r', 'm', 'p') then pg_catalog.pg_total_relation_size(tbl.oid)::float8 end as bytes,
            col.attname as column_name,
            col.attnum::int as column_index,
            pg_catalog.format_type(col.atttypid, col.atttypmod) as column_type,
            col_desc.description as column_comment
       from pg_catalog.pg_namespace sch
       join pg_catalog.pg_class tbl on tbl.relnamespace = sch.oid
       join pg_catalog.pg_attribute col on col.attrelid = tbl.oid
       left join pg_catalog.pg_description tbl_desc
         on tbl_desc.objoid = tbl.oid and tbl_desc.objsubid = 0 and tbl_desc.classoid = 'pg_catalog.pg_class'::regclass
       left join pg_catalog.pg_description col_desc
         on col_desc.objoid = tbl.oid and col_desc.objsubid = col.attnum and col_desc.classoid = 'pg_catalog.pg_class'::regclass
      where sch.nspname = any($1::text[])
        and tbl.relpersistence in ('p', 'u')
        and tbl.relkind in ('r', 'v', 'f', 'p', 'm')
        and col.attnum > 0
        and not col.attisdropped
      order by sch.nspname, tbl.relname, col.attnum`,
    [schemas],
  );
  return result.rows;
}
