import { inTransaction } from '../adapters/adapter.js';
import { dependentViews, relationColumns } from '../adapters/catalog.js';
import { createTableAs, type RelationName } from './ddl.js';
import { brokenViewsError } from './dependent-views.js';
import { responseMessage, type MaterializationContext, type MaterializationResult } from './materialization.js';
import { resultsOf, runSteps, type StepOutcome } from './run-steps.js';
import { sqlHeaderSteps, statement, type Step } from './step.js';
import { planTableSwap, swapSteps } from './table-swap-plan.js';

/** Runs the build steps of a swap (seeds add their own retry); `runSteps` unless given. */
export type RunBuild = (steps: readonly Step[]) => Promise<StepOutcome[]>;

/**
 * Replace the target with a table (`planTableSwap`): build the new table beside the old one,
 * read what it became and what depends on the old one, then swap them in the same transaction.
 * Returns the build's outcomes.
 */
export async function swapInTable(context: MaterializationContext, build: (temp: RelationName) => Step[], runBuild?: RunBuild): Promise<StepOutcome[]> {
  const { connection, target, existing } = context;
  const facts = { node: context.node, target, existing };
  const plan = planTableSwap(facts, build);
  await runSteps(context, plan.before);
  const built = await inTransaction(connection, async () => {
    const outcomes = await (runBuild ?? ((steps) => runSteps(context, steps)))(plan.build);
    const columns = await relationColumns(connection, plan.temp);
    const dependents = existing ? await dependentViews(connection, target) : [];
    await runSteps(context, swapSteps(facts, { columns, dependents }), {
      failure: (step, error) => (step.kind === 'sql' && step.role === 'restore-views' ? brokenViewsError(context, dependents, error) : undefined),
    });
    return outcomes;
  });
  await runSteps(context, plan.after);
  return built;
}

/** `swapInTable` with a `CREATE TABLE AS`: the node's response is that statement's. */
export async function buildTableWithSwap(context: MaterializationContext, buildSql: (temp: RelationName) => string): Promise<MaterializationResult> {
  const outcomes = await swapInTable(context, (temp) => [...sqlHeaderSteps(context.node), statement(buildSql(temp), 'build')]);
  const created = resultsOf(outcomes, 'build')[0];
  return { message: responseMessage(created, 'CREATE TABLE'), rowsAffected: created.rowCount };
}

export async function materializeTable(context: MaterializationContext): Promise<MaterializationResult> {
  const unlogged = Boolean(context.node.config.unlogged);
  return buildTableWithSwap(context, (temp) => createTableAs(temp, context.sql, { unlogged }));
}
