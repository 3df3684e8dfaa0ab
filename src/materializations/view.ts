import { inTransaction, serializeSwaps } from '../adapters/adapter.js';
import { dependentViews, relationColumns } from '../adapters/catalog.js';
import { KpiError } from '../errors.js';
import { checkContract } from './contract-check.js';
import { createView, dropRelation } from './ddl.js';
import { dropDependentViews, restoreDependentViews } from './dependent-views.js';
import { type MaterializationContext, type MaterializationResult } from './materialization.js';
import { StatementError } from '../adapters/statement-error.js';
import { docsAndGrants, runAll, runHooks } from './relation-extras.js';
import { runSteps } from './run-steps.js';
import { sqlHeaderSteps, statements } from './step.js';

/** Postgres refuses `create or replace view` that drops, renames or retypes columns. */
const INCOMPATIBLE_VIEW_CHANGE = new Set(['42P16', '42804', '42P17']);

/**
 * `create or replace view` keeps the view's identity, so views built on it keep working;
 * when the columns change incompatibly (or a table stands there), the old relation is
 * replaced in one transaction, its dependent views captured and recreated.
 */
export async function materializeView(context: MaterializationContext): Promise<MaterializationResult> {
  const { target, existing } = context;
  if (existing === 'foreign_table') {
    throw new KpiError('KPI_UNSAFE_OPERATION', `${target.schema}.${target.identifier} is a ${existing.replace('_', ' ')} that kpi did not create; it will not replace it`, {
      node: context.node.unique_id,
    });
  }
  await checkContract(context);
  await runHooks(context, 'pre_hook', false);
  await inTransaction(context.connection, async () => {
    await runHooks(context, 'pre_hook', true);
    await runSteps(context, sqlHeaderSteps(context.node));
    let replaced = false;
    if (existing === 'view') {
      await context.connection.query('savepoint kpi_replace_view');
      try {
        await context.run(createView(target, context.sql, true));
        replaced = true;
      } catch (error) {
        await context.connection.query('rollback to savepoint kpi_replace_view');
        if (!(error instanceof StatementError && INCOMPATIBLE_VIEW_CHANGE.has(error.sqlState))) throw error;
      }
    }
    if (!replaced) {
      if (existing) await serializeSwaps(context.connection);
      const dependents = existing ? await dependentViews(context.connection, target) : [];
      await runAll(context, dropDependentViews(dependents));
      if (existing) await context.run(dropRelation(target, existing === 'view' ? 'view' : existing === 'materialized_view' ? 'materialized view' : 'table'));
      await context.run(createView(target, context.sql));
      await restoreDependentViews(context, dependents);
    }
    const columns = (await relationColumns(context.connection, target)).map((column) => column.name);
    await runSteps(context, statements(docsAndGrants(context.node, target, 'view', columns)), { inTransaction: true });
    await runHooks(context, 'post_hook', true);
  });
  await runHooks(context, 'post_hook', false);
  return { message: 'CREATE VIEW', rowsAffected: null };
}
