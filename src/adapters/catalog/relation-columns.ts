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

const TRUE_TYPE = 'information_schema._pg_truetypid(a.*, t.*), information_schema._pg_truetypmod(a.*, t.*)';

/**
 * The column fields, over `pg_attribute a` and the joins below. The standard fields are
 * information_schema.columns' own expressions, so they read exactly as that view does.
 */
export const COLUMN_FIELDS = `a.attname as column_name,
  a.attnum::int as column_position,
  format_type(a.atttypid, a.atttypmod) as column_type,
  col_description(a.attrelid, a.attnum) as column_comment,
  case when t.typtype = 'd' then
      case when bt.typelem <> 0 and bt.typlen = -1 then 'ARRAY' when nbt.nspname = 'pg_catalog' then format_type(t.typbasetype, null) else 'USER-DEFINED' end
    else
      case when t.typelem <> 0 and t.typlen = -1 then 'ARRAY' when nt.nspname = 'pg_catalog' then format_type(a.atttypid, null) else 'USER-DEFINED' end
  end as standard_type,
  information_schema._pg_char_max_length(${TRUE_TYPE})::int as character_maximum_length,
  information_schema._pg_numeric_precision(${TRUE_TYPE})::int as numeric_precision,
  information_schema._pg_numeric_scale(${TRUE_TYPE})::int as numeric_scale`;

export const COLUMN_JOINS = `join pg_type t on t.oid = a.atttypid
join pg_namespace nt on nt.oid = t.typnamespace
left join (pg_type bt join pg_namespace nbt on nbt.oid = bt.typnamespace) on t.typtype = 'd' and t.typbasetype = bt.oid`;

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
  return `select ${COLUMN_FIELDS}
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
${COLUMN_JOINS}
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
