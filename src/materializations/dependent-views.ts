import type { DependentView, ReferencingForeignKey } from '../adapters/catalog.js';
import { quoteIdentifier } from '../adapters/quote.js';
import { KpiError } from '../errors.js';
import type { MaterializationContext } from './materialization.js';
import { commentOnColumn, commentOnRelation, dropRelation, grant, q } from './ddl.js';

/**
 * Postgres views bind to a table's identity, not its name. Before a relation is replaced,
 * the views that depend on it (directly or through other views; kpi's or a BI user's)
 * are captured from the catalog (`dependentViews`), dropped without cascade, and recreated
 * on the new relation in the same transaction, with their comments and grants.
 */

/** Deepest first, so no view is dropped while another still depends on it. */
export function dropDependentViews(views: readonly DependentView[]): string[] {
  return [...views].sort((a, b) => b.depth - a.depth).map((view) => dropRelation({ schema: view.schema, identifier: view.name }, view.materialized ? 'materialized view' : 'view'));
}

/** Shallowest first, each with its comments and its grants (to roles and to PUBLIC). */
export function recreateDependentViews(views: readonly DependentView[]): string[] {
  const statements: string[] = [];
  for (const view of [...views].sort((a, b) => a.depth - b.depth)) {
    const relation = { schema: view.schema, identifier: view.name };
    const kind = view.materialized ? 'materialized view' : 'view';
    statements.push(`create ${kind} ${q(relation)} as\n${view.definition}`);
    if (view.comment !== null) statements.push(commentOnRelation(relation, kind, view.comment));
    for (const { column, comment } of view.columnComments) statements.push(commentOnColumn(relation, column, comment));
    for (const { grantee, privilege } of view.grants) statements.push(grant(relation, privilege, grantee));
  }
  return statements;
}

export function describeViews(views: readonly DependentView[]): string {
  return views.map((view) => `${quoteIdentifier(view.schema)}.${quoteIdentifier(view.name)}`).join(', ');
}

/** A failure to recreate the views on a new relation, as `materializeView` and the table swap report it: the old relation was kept. */
export function brokenViewsError(context: Pick<MaterializationContext, 'node' | 'target'>, views: readonly DependentView[], error: unknown): KpiError {
  return new KpiError('KPI_DATABASE_ERROR', `the new ${context.target.identifier} breaks views that depend on it (${describeViews(views)}): ${(error as Error).message}`, {
    node: context.node.unique_id,
    cause: error,
    hint: 'the old relation was kept; keep the columns those views use, or change the views',
  });
}

/**
 * Recreate the captured views on the new relation. A view the new relation would break
 * (a column it uses is gone) fails the whole swap, so the old relation stays.
 */
export async function restoreDependentViews(context: MaterializationContext, views: readonly DependentView[]): Promise<void> {
  try {
    for (const statement of recreateDependentViews(views)) await context.run(statement);
  } catch (error) {
    throw brokenViewsError(context, views, error);
  }
}

/** A foreign key of another table that the new relation's rows no longer satisfy: the old relation stays. */
export function brokenForeignKeysError(context: Pick<MaterializationContext, 'node' | 'target'>, keys: readonly ReferencingForeignKey[], error: unknown): KpiError {
  const names = keys.map((key) => `${key.schema}.${key.table} (${key.name})`).join(', ');
  return new KpiError('KPI_DATABASE_ERROR', `the new ${context.target.identifier} breaks foreign keys that reference it (${names}): ${(error as Error).message}`, {
    node: context.node.unique_id,
    cause: error,
    hint: 'the old relation was kept; keep the keys those tables use, or rebuild them first',
  });
}
