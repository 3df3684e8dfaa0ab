import type { Connection } from '../adapter.js';
import type { RelationType } from '../relation.js';
import { ask, type CatalogQuery, type CatalogRelation } from './catalog-query.js';

export type RelationKind = 'table' | 'view' | 'materialized_view' | 'foreign_table';

/** relkind → kind, for every relation kpi reads or writes (partitioned tables are tables). */
export const KIND_OF_RELKIND = `case c.relkind when 'v' then 'view' when 'm' then 'materialized_view' when 'f' then 'foreign_table' else 'table' end`;

/** The relkinds that are relations to kpi: tables (plain and partitioned), views, materialized views, foreign tables. */
export const RELATION_RELKINDS = `('r', 'p', 'v', 'm', 'f')`;

const KIND_SQL = `select ${KIND_OF_RELKIND} as kind
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relname = $2 and c.relkind in ${RELATION_RELKINDS}`;

/** What kind of relation a name is, or null when no relation has it (an index or sequence of that name is no relation). */
export function relationKindQuery(relation: CatalogRelation): CatalogQuery<RelationKind | null> {
  return { sql: KIND_SQL, params: [relation.schema, relation.identifier], read: (rows) => (rows[0]?.kind as RelationKind | undefined) ?? null };
}

export function relationKind(connection: Connection, relation: CatalogRelation): Promise<RelationKind | null> {
  return ask(connection, relationKindQuery(relation));
}

const KINDS_SQL = `select n.nspname as schema, c.relname as identifier, ${KIND_OF_RELKIND} as kind
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = any($1::text[]) and c.relkind in ${RELATION_RELKINDS}`;

/** Every relation of these schemas by `schema.identifier`: one round trip where a command asks about thousands of names. */
export function relationKindsQuery(schemas: readonly string[]): CatalogQuery<Map<string, RelationKind>> {
  return {
    sql: KINDS_SQL,
    params: [[...new Set(schemas)]],
    read: (rows) => new Map(rows.map((row) => [`${String(row.schema)}.${String(row.identifier)}`, row.kind as RelationKind])),
  };
}

export function relationKinds(connection: Connection, schemas: readonly string[]): Promise<Map<string, RelationKind>> {
  return ask(connection, relationKindsQuery(schemas));
}

/**
 * The type a template's `Relation` gets. dbt's relation types have no foreign table, and
 * kpi's templates have always seen one as a table.
 */
export function templateRelationType(kind: RelationKind): RelationType {
  return kind === 'foreign_table' ? 'table' : kind;
}
