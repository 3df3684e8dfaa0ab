import type { Connection } from '../adapter.js';
import { qualified } from '../quote.js';
import { ask, integer, text, type CatalogQuery, type CatalogRelation, type CatalogRow } from './catalog-query.js';

/** One column of a relation, as the catalog describes it. */
export interface CatalogColumn {
  name: string;
  /** attnum: 1 for the first column (information_schema's ordinal_position). */
  position: number;
  /**
   * format_type with the type modifier: `character varying(20)`, `numeric(12,2)`, `integer[]`.
   * Valid in DDL as it is and comparable; what psql's \d and dbt-postgres's catalog show.
   */
  dataType: string;
  comment: string | null;
  /**
   * The SQL standard's description, as information_schema.columns gives it and dbt's
   * get_columns_in_relation reads it: `character varying` with its length apart, `ARRAY`,
   * `USER-DEFINED`, integer's precision 32.
   */
  standard: { dataType: string; characterMaximumLength: number | null; numericPrecision: number | null; numericScale: number | null };
}

/**
 * The column fields, over `pg_attribute a` and COLUMN_JOINS. The standard fields are
 * information_schema.columns' own expressions (its data_type, and the bodies of its
 * _pg_char_max_length, _pg_numeric_precision and _pg_numeric_scale over the domain's base
 * type), written out: calling those SQL functions costs several milliseconds of planning a
 * query, and this query runs a few times for every model. tests/integration/catalog.test.ts
 * holds them to information_schema.columns itself.
 */
export const COLUMN_FIELDS = `a.attname as column_name,
  a.attnum::int as column_position,
  format_type(a.atttypid, a.atttypmod) as column_type,
  d.description as column_comment,
  case when t.typtype = 'd' then
      case when bt.typelem <> 0 and bt.typlen = -1 then 'ARRAY' when bt.typnamespace = 'pg_catalog'::regnamespace then format_type(t.typbasetype, null) else 'USER-DEFINED' end
    else
      case when t.typelem <> 0 and t.typlen = -1 then 'ARRAY' when t.typnamespace = 'pg_catalog'::regnamespace then format_type(a.atttypid, null) else 'USER-DEFINED' end
  end as standard_type,
  case when tt.typmod = -1 then null when tt.typid in (1042, 1043) then tt.typmod - 4 when tt.typid in (1560, 1562) then tt.typmod end as character_maximum_length,
  case tt.typid when 21 then 16 when 23 then 32 when 20 then 64 when 1700 then case when tt.typmod = -1 then null else ((tt.typmod - 4) >> 16) & 65535 end when 700 then 24 when 701 then 53 end as numeric_precision,
  case when tt.typid in (21, 23, 20) then 0 when tt.typid = 1700 then case when tt.typmod = -1 then null else (tt.typmod - 4) & 65535 end end as numeric_scale`;

// Few joins: with eight relations Postgres's planner searches join orders for ~15 ms, longer than the query runs.
export const COLUMN_JOINS = `join pg_type t on t.oid = a.atttypid
left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype
cross join lateral (
  select case when t.typtype = 'd' then t.typbasetype else a.atttypid end as typid, case when t.typtype = 'd' then t.typtypmod else a.atttypmod end as typmod
) tt
left join pg_description d on d.objoid = a.attrelid and d.classoid = 'pg_class'::regclass and d.objsubid = a.attnum`;

export const LIVE_COLUMN = 'a.attnum > 0 and not a.attisdropped';

export function readColumn(row: CatalogRow): CatalogColumn {
  return {
    name: String(row.column_name),
    position: Number(row.column_position),
    dataType: String(row.column_type),
    comment: text(row.column_comment),
    standard: {
      dataType: String(row.standard_type),
      characterMaximumLength: integer(row.character_maximum_length),
      numericPrecision: integer(row.numeric_precision),
      numericScale: integer(row.numeric_scale),
    },
  };
}

export interface ColumnsOptions {
  /**
   * `standard`: only what the SQL standard's listing (information_schema.columns) shows:
   * tables, views and foreign tables (no materialized views, nor any other relkind), no
   * other session's temporary tables, only columns the role may use, and `pg_temp` is no
   * schema name to it. dbt-postgres's get_columns_in_relation reads that listing.
   * `all` (the default): every column of whatever relation the name resolves to.
   */
  listing?: 'all' | 'standard';
}

const STANDARD_LISTING = `and c.relkind in ('r', 'v', 'f', 'p') and n.nspname = $2 and not pg_is_other_temp_schema(n.oid)
  and (pg_has_role(c.relowner, 'USAGE') or has_column_privilege(c.oid, a.attnum, 'SELECT, INSERT, UPDATE, REFERENCES'))`;

function columnsSql(listing: 'all' | 'standard'): string {
  const relation = listing === 'standard' ? 'join pg_class c on c.oid = a.attrelid\njoin pg_namespace n on n.oid = c.relnamespace\n' : '';
  return `select ${COLUMN_FIELDS}
from pg_attribute a
${relation}${COLUMN_JOINS}
where a.attrelid = to_regclass($1) and ${LIVE_COLUMN}
${listing === 'standard' ? STANDARD_LISTING : ''}
order by a.attnum`;
}

const SQL = { all: columnsSql('all'), standard: columnsSql('standard') };

/** The columns of a relation in table order; none when there is no such relation. Temporary tables are `pg_temp`'s. */
export function relationColumnsQuery(relation: CatalogRelation, options: ColumnsOptions = {}): CatalogQuery<CatalogColumn[]> {
  const listing = options.listing ?? 'all';
  const name = qualified(relation.schema, relation.identifier);
  return { sql: SQL[listing], params: listing === 'all' ? [name] : [name, relation.schema], read: (rows) => rows.map(readColumn) };
}

export function relationColumns(connection: Connection, relation: CatalogRelation, options: ColumnsOptions = {}): Promise<CatalogColumn[]> {
  return ask(connection, relationColumnsQuery(relation, options));
}
