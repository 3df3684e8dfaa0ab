import type { Connection } from '../adapter.js';
import { ask, text, type CatalogQuery } from './catalog-query.js';
import { KIND_OF_RELKIND, RELATION_RELKINDS, type RelationKind } from './relation-kind.js';
import { COLUMN_FIELDS, COLUMN_JOINS, LIVE_COLUMN, readColumn, type CatalogColumn } from './relation-columns.js';

const RELATIONS_IN_SCHEMA_SQL = `select c.relname as identifier, ${KIND_OF_RELKIND} as kind
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relkind in ${RELATION_RELKINDS} order by c.relname`;

/** The relations of a schema by name (temporary ones included when the schema is a session's). */
export function relationsInSchemaQuery(schema: string | null): CatalogQuery<Array<{ identifier: string; kind: RelationKind }>> {
  return {
    sql: RELATIONS_IN_SCHEMA_SQL,
    params: [schema],
    read: (rows) => rows.map((row) => ({ identifier: String(row.identifier), kind: row.kind as RelationKind })),
  };
}

const SCHEMAS_SQL = `select nspname as name from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema' order by nspname`;

/** The database's schemas, but Postgres's own (pg_catalog, pg_toast, temporary schemas, information_schema). */
export function schemasQuery(): CatalogQuery<string[]> {
  return { sql: SCHEMAS_SQL, params: [], read: (rows) => rows.map((row) => String(row.name)) };
}

/** A relation with what the catalog says about it. */
export interface CatalogRelationDescription {
  schema: string;
  identifier: string;
  kind: RelationKind;
  comment: string | null;
  owner: string | null;
  /** pg_class.reltuples: the planner's row estimate (-1 or 0 before the first ANALYZE). */
  estimatedRows: number;
  /** Bytes on disk with indexes and TOAST, for tables and materialized views; null for views and foreign tables. */
  bytes: number | null;
  columns: CatalogColumn[];
}

const DESCRIBE_SQL = `select n.nspname as schema,
  c.relname as identifier,
  ${KIND_OF_RELKIND} as kind,
  obj_description(c.oid, 'pg_class') as comment,
  pg_get_userbyid(c.relowner) as owner,
  c.reltuples::float8 as estimated_rows,
  case when c.relkind in ('r', 'm', 'p') then pg_total_relation_size(c.oid)::float8 end as bytes,
  ${COLUMN_FIELDS}
from pg_namespace n
join pg_class c on c.relnamespace = n.oid
join pg_attribute a on a.attrelid = c.oid
${COLUMN_JOINS}
where n.nspname = any($1::text[]) and c.relpersistence in ('p', 'u') and c.relkind in ${RELATION_RELKINDS} and ${LIVE_COLUMN}
order by n.nspname, c.relname, a.attnum`;

/**
 * Every permanent relation of `schemas` (temporary ones left out) with its columns, in one
 * query however many there are; ordered by schema, name and column position.
 */
export async function describeRelations(connection: Connection, schemas: readonly string[]): Promise<CatalogRelationDescription[]> {
  if (schemas.length === 0) return [];
  return ask(connection, {
    sql: DESCRIBE_SQL,
    params: [schemas],
    read: (rows) => {
      const relations: CatalogRelationDescription[] = [];
      for (const row of rows) {
        let last = relations.at(-1);
        if (!last || last.schema !== row.schema || last.identifier !== row.identifier) {
          last = {
            schema: String(row.schema),
            identifier: String(row.identifier),
            kind: row.kind as RelationKind,
            comment: text(row.comment),
            owner: text(row.owner),
            estimatedRows: Number(row.estimated_rows),
            bytes: row.bytes === null || row.bytes === undefined ? null : Number(row.bytes),
            columns: [],
          };
          relations.push(last);
        }
        last.columns.push(readColumn(row));
      }
      return relations;
    },
  });
}
