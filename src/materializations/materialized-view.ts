import { inTransaction, serializeSwaps } from '../adapters/adapter.js';
import { dependentViews, queryColumns, relationIndexes, viewDefinition, type DependentView } from '../adapters/catalog.js';
import { quoteIdentifier } from '../adapters/quote.js';
import { suffixed } from './ddl.js';
import { brokenViewsError } from './dependent-views.js';
import { responseMessage, type MaterializationContext, type MaterializationResult } from './materialization.js';
import { materializedViewAction, planMaterializedView, type MaterializedViewFacts } from './materialized-view-plan.js';
import { resultsOf, runSteps } from './run-steps.js';

/**
 * Whether the model's SELECT differs from the materialized view's: both as Postgres deparses
 * them (the new one through a temporary view), so formatting and comments do not count.
 */
async function definitionChanged(context: MaterializationContext): Promise<boolean> {
  const probe = suffixed(context.target.identifier, '__kpi_mvdef');
  await context.run(`create or replace temporary view ${quoteIdentifier(probe)} as (\n${context.sql}\n)`);
  try {
    const wanted = await viewDefinition(context.connection, { schema: 'pg_temp', identifier: probe });
    const current = await viewDefinition(context.connection, context.target);
    return wanted !== current;
  } finally {
    await context.run(`drop view if exists pg_temp.${quoteIdentifier(probe)}`);
  }
}

/** `materialized='materialized_view'` (materialized-view-plan.ts says what each run does). */
export async function materializeMaterializedView(context: MaterializationContext): Promise<MaterializationResult> {
  const { connection, target, existing, node } = context;
  const isView = existing === 'materialized_view';
  const facts: MaterializedViewFacts = {
    node,
    target,
    existing,
    fullRefresh: context.fullRefresh,
    sql: context.sql,
    definitionChanged: isView ? await definitionChanged(context) : false,
    indexes: isView ? await relationIndexes(connection, target) : [],
    dependents: [],
    columns: (await queryColumns(connection, context.sql)).map((column) => column.name),
  };
  const action = materializedViewAction(facts);
  const { before, after } = planMaterializedView(facts, action);
  await runSteps(context, before);
  let dependents: DependentView[] = [];
  const outcomes = await inTransaction(connection, async () => {
    // The views on the old relation are read in the swap's transaction, one swap at a time (serializeSwaps).
    if (action === 'rebuild' && existing) {
      await serializeSwaps(connection);
      dependents = await dependentViews(connection, target);
    }
    const plan = planMaterializedView({ ...facts, dependents }, action);
    return runSteps(context, plan.transaction, { failure: (step, error) => (step.kind === 'sql' && step.role === 'restore-views' ? brokenViewsError(context, dependents, error) : undefined) });
  });
  await runSteps(context, after);
  const built = resultsOf(outcomes, 'build')[0];
  return {
    message: responseMessage(built, action === 'create' || action === 'rebuild' ? 'CREATE MATERIALIZED VIEW' : 'REFRESH MATERIALIZED VIEW'),
    rowsAffected: built?.rowCount ?? null,
    detail: { action, ...(action === 'continue' ? { configuration_change: 'the indexes changed; on_configuration_change is continue, so they were kept as they are' } : {}) },
  };
}
