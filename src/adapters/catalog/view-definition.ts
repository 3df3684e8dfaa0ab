import type { Connection } from '../adapter.js';
import { qualified } from '../quote.js';
import { ask, text, type CatalogQuery, type CatalogRelation } from './catalog-query.js';

/** pg_get_viewdef of a view or materialized view: its SELECT as Postgres deparses it (null when there is none). */
export function viewDefinitionQuery(relation: CatalogRelation): CatalogQuery<string | null> {
  return {
    sql: "select pg_get_viewdef(c.oid) as definition from pg_class c where c.oid = to_regclass($1) and c.relkind in ('v', 'm')",
    params: [qualified(relation.schema, relation.identifier)],
    read: (rows) => (rows[0] ? text(rows[0].definition) : null),
  };
}

export function viewDefinition(connection: Connection, relation: CatalogRelation): Promise<string | null> {
  return ask(connection, viewDefinitionQuery(relation));
}

/** The names of a relation's indexes (those of its constraints too), by name. */
export function relationIndexesQuery(relation: CatalogRelation): CatalogQuery<string[]> {
  return {
    sql: 'select i.relname as name from pg_index x join pg_class i on i.oid = x.indexrelid where x.indrelid = to_regclass($1) order by 1',
    params: [qualified(relation.schema, relation.identifier)],
    read: (rows) => rows.map((row) => String(row.name)),
  };
}

export function relationIndexes(connection: Connection, relation: CatalogRelation): Promise<string[]> {
  return ask(connection, relationIndexesQuery(relation));
}
