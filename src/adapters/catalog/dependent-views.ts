import type { Connection } from '../adapter.js';
import { qualified } from '../quote.js';
import { ask, text, type CatalogQuery, type CatalogRelation, type CatalogRow } from './catalog-query.js';
import { GRANTS_JSON, type CatalogGrant } from './relation-grants.js';

/**
 * A view (or materialized view) that depends on a relation, directly or through other
 * views, with what it takes to create it again as it was.
 */
export interface DependentView {
  schema: string;
  name: string;
  materialized: boolean;
  /** 1: on the relation itself; 2: on a view of depth 1; and so on (the longest path counts). */
  depth: number;
  /** pg_get_viewdef: the SELECT, without a trailing semicolon. */
  definition: string;
  comment: string | null;
  columnComments: Array<{ column: string; comment: string }>;
  grants: CatalogGrant[];
}

const DEPENDENTS_SQL = `
with recursive dependents(oid, depth) as (
  select distinct r.ev_class, 1
  from pg_depend d
  join pg_rewrite r on r.oid = d.objid
  where d.classid = 'pg_rewrite'::regclass and d.refobjid = $1::regclass and r.ev_class <> $1::regclass
  union
  select distinct r.ev_class, dependents.depth + 1
  from dependents
  join pg_depend d on d.refobjid = dependents.oid and d.classid = 'pg_rewrite'::regclass
  join pg_rewrite r on r.oid = d.objid
  where r.ev_class <> dependents.oid and dependents.depth < 50
)
select n.nspname as schema, c.relname as name, c.relkind = 'm' as materialized, max(dependents.depth) as depth,
  pg_get_viewdef(c.oid) as definition, obj_description(c.oid, 'pg_class') as comment,
  coalesce((select json_agg(json_build_object('column', a.attname, 'comment', col_description(c.oid, a.attnum)))
    from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and col_description(c.oid, a.attnum) is not null), '[]') as column_comments,
  ${GRANTS_JSON} as grants
from dependents
join pg_class c on c.oid = dependents.oid
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('v', 'm')
group by n.nspname, c.relname, c.relkind, c.oid
order by max(dependents.depth), n.nspname, c.relname`;

function jsonList<T>(value: unknown): T[] {
  if (Array.isArray(value)) return value as T[];
  if (typeof value === 'string') return JSON.parse(value) as T[];
  return [];
}

function readView(row: CatalogRow): DependentView {
  return {
    schema: String(row.schema),
    name: String(row.name),
    materialized: Boolean(row.materialized),
    depth: Number(row.depth),
    definition: String(row.definition).trim().replace(/;$/, ''),
    comment: text(row.comment),
    columnComments: jsonList<{ column: string; comment: string }>(row.column_comments),
    grants: jsonList<CatalogGrant>(row.grants),
  };
}

/** The views on a relation that exists, shallowest first (then by schema and name). */
export function dependentViewsQuery(relation: CatalogRelation): CatalogQuery<DependentView[]> {
  return { sql: DEPENDENTS_SQL, params: [qualified(relation.schema, relation.identifier)], read: (rows) => rows.map(readView) };
}

export function dependentViews(connection: Connection, relation: CatalogRelation): Promise<DependentView[]> {
  return ask(connection, dependentViewsQuery(relation));
}
