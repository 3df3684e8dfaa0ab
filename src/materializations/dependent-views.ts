import type { Connection } from '../adapters/adapter.js';
import { quoteIdentifier } from '../adapters/quote.js';
import { KpiError } from '../errors.js';
import type { MaterializationContext } from './materialization.js';
import { commentOnColumn, commentOnRelation, dropRelation, grant, q, type RelationName } from './ddl.js';

/**
 * Postgres views bind to a table's identity, not its name. Before a relation is replaced,
 * the views that depend on it (directly or through other views; kpi's or a BI user's)
 * are captured, dropped without cascade, and recreated on the new relation in the same
 * transaction, with their comments and grants.
 */
export interface DependentView {
  schema: string;
  name: string;
  materialized: boolean;
  depth: number;
  definition: string;
  comment: string | null;
  columnComments: Array<{ column: string; comment: string }>;
  grants: Array<{ grantee: string; privilege: string }>;
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
  coalesce((select json_agg(json_build_object('grantee', g.grantee::regrole::text, 'privilege', g.privilege_type))
    from aclexplode(c.relacl) g where g.grantee <> 0 and g.grantee <> c.relowner), '[]') as grants
from dependents
join pg_class c on c.oid = dependents.oid
join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('v', 'm')
group by n.nspname, c.relname, c.relkind, c.oid
order by max(dependents.depth), n.nspname, c.relname`;

function parseJsonList<T>(value: unknown): T[] {
  if (Array.isArray(value)) return value as T[];
  if (typeof value === 'string') return JSON.parse(value) as T[];
  return [];
}

export async function captureDependentViews(connection: Connection, relation: RelationName): Promise<DependentView[]> {
  const result = await connection.query(DEPENDENTS_SQL, [q(relation)]);
  return result.rows.map((row) => ({
    schema: String(row.schema),
    name: String(row.name),
    materialized: Boolean(row.materialized),
    depth: Number(row.depth),
    definition: String(row.definition).trim().replace(/;$/, ''),
    comment: row.comment === null ? null : String(row.comment),
    columnComments: parseJsonList<{ column: string; comment: string }>(row.column_comments),
    grants: parseJsonList<{ grantee: string; privilege: string }>(row.grants),
  }));
}

/** Deepest first, so no view is dropped while another still depends on it. */
export function dropDependentViews(views: readonly DependentView[]): string[] {
  return [...views]
    .sort((a, b) => b.depth - a.depth)
    .map((view) => dropRelation({ schema: view.schema, identifier: view.name }, view.materialized ? 'materialized view' : 'view'));
}

export function recreateDependentViews(views: readonly DependentView[]): string[] {
  const statements: string[] = [];
  for (const view of [...views].sort((a, b) => a.depth - b.depth)) {
    const relation = { schema: view.schema, identifier: view.name };
    const kind = view.materialized ? 'materialized view' : 'view';
    statements.push(`create ${kind} ${q(relation)} as\n${view.definition}`);
    if (view.comment !== null) statements.push(commentOnRelation(relation, kind, view.comment));
    for (const { column, comment } of view.columnComments) statements.push(commentOnColumn(relation, column, comment));
    for (const { grantee, privilege } of view.grants) statements.push(grant(relation, privilege, grantee.replace(/^"|"$/g, '')));
  }
  return statements;
}

export function describeViews(views: readonly DependentView[]): string {
  return views.map((view) => `${quoteIdentifier(view.schema)}.${quoteIdentifier(view.name)}`).join(', ');
}

/**
 * Recreate the captured views on the new relation. A view the new relation would break
 * (a column it uses is gone) fails the whole swap, so the old relation stays.
 */
export async function restoreDependentViews(context: MaterializationContext, views: readonly DependentView[]): Promise<void> {
  try {
    for (const statement of recreateDependentViews(views)) await context.run(statement);
  } catch (error) {
    throw new KpiError('KPI_DATABASE_ERROR', `the new ${context.target.identifier} breaks views that depend on it (${describeViews(views)}): ${(error as Error).message}`, {
      node: context.node.unique_id,
      cause: error,
      hint: 'the old relation was kept; keep the columns those views use, or change the views',
    });
  }
}
