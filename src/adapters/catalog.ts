import type { Connection } from './adapter.js';

/**
 * Every question kpi asks the database's catalog, in one place: what a relation is, its
 * columns, the views that depend on it, its constraints and indexes. Both adapters speak
 * Postgres, so one query serves both.
 */

/** A relation by schema and name, as the catalog knows it. */
export interface CatalogRelation {
  schema: string;
  identifier: string;
}

export type ExistingType = 'table' | 'view' | 'materialized_view' | 'foreign_table';

const EXISTING_SQL = `select case c.relkind when 'v' then 'view' when 'm' then 'materialized_view' when 'f' then 'foreign_table' else 'table' end as type
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p', 'v', 'm', 'f')`;

export async function existingRelation(connection: Connection, relation: CatalogRelation): Promise<ExistingType | null> {
  const result = await connection.query<{ type: ExistingType }>(EXISTING_SQL, [relation.schema, relation.identifier]);
  return result.rows[0]?.type ?? null;
}
