import { inTransaction, serializeSwaps } from '../../adapters/adapter.js';
import { dependentViews, relationColumns, relationGrants, tableDistribution } from '../../adapters/catalog.js';
import { prepareCitusTransaction, checkKeyHasDistributionColumn, describeDistribution, distributionOn, keepsDistribution, type Distribution } from '../distribution.js';
import { KpiError } from '../../errors.js';
import { checkContract } from '../contract-check.js';
import { describeViews } from '../dependent-views.js';
import { responseMessage, type MaterializationContext, type MaterializationResult } from '../materialization.js';
import { resultsOf, runSteps } from '../run-steps.js';
import { resolveParallelParts } from '../parallel-build.js';
import { buildModelTable } from '../table.js';
import { hasSchemaChange, type ColumnDiff } from './diff-columns.js';
import { resolveIncrementalConfig, shouldFullRefresh, type IncrementalConfig } from './incremental-config.js';
import { applySteps, changeTouchesViews, planColumns, planIncrement, type IncrementFacts } from './incremental-plan.js';

/**
 * `incremental`: the first run, a full refresh, or a view standing in the way build the
 * table as `table` does. Later runs stage the model's rows in a temporary table and apply
 * them by strategy in ONE transaction, with any schema change: a failure anywhere (a
 * duplicate key, a hook, a view the change would break) leaves the table as it was.
 */
export async function materializeIncremental(context: MaterializationContext): Promise<MaterializationResult> {
  // Checked before anything runs, the first run too: a typo should not wait for run two.
  const config = resolveIncrementalConfig(context.node);
  resolveParallelParts(context.node);
  const fullRefresh = shouldFullRefresh(context.node, context.fullRefresh);
  const distribution = distributionOn(context.citus, context.node);
  checkKeyHasDistributionColumn(context.node, distribution, config.apply, config.uniqueKey);
  if (context.existing !== 'table' || fullRefresh) {
    const built = await buildModelTable(context);
    return { ...built, detail: { strategy: config.strategy, mode: context.existing === 'table' ? 'full_refresh' : 'create' } };
  }
  // dbt checks the contract on every run: the new rows must have the contract's columns.
  await checkContract(context);
  await checkKeptDistribution(context, distribution);
  return applyIncrement(context, config, distribution);
}

/** An increment goes into the table as it is: one Citus holds otherwise than the config says needs a full refresh first. */
async function checkKeptDistribution(context: MaterializationContext, distribution: Distribution | null): Promise<void> {
  if (!context.citus || (await keepsDistribution(context, distribution))) return;
  const current = await tableDistribution(context.connection, context.target);
  throw new KpiError(
    'KPI_CITUS_UNSUPPORTED',
    `${context.target.schema}.${context.target.identifier} is ${describeDistribution(current)}, and model '${context.node.name}' is configured as ${describeDistribution(distribution)}: an increment cannot change how Citus holds it`,
    { node: context.node.unique_id, location: { file: context.node.original_file_path }, hint: `run kpi run --full-refresh --select ${context.node.name} to rebuild it as configured` },
  );
}

/** Runs `planIncrement`: stage, read the columns (and, when needed, the views and grants), plan the rest, apply it. */
async function applyIncrement(context: MaterializationContext, config: IncrementalConfig, distribution: Distribution | null): Promise<MaterializationResult> {
  const { node, target, connection } = context;
  const facts: IncrementFacts = { node, config, target, sql: context.sql, distribution };
  const plan = planIncrement(facts);
  await runSteps(context, plan.before);
  const outcome = await inTransaction(connection, async () => {
    await prepareCitusTransaction(context);
    await runSteps(context, plan.stage);
    const staged = { source: await relationColumns(connection, plan.stagingRelation), existing: await relationColumns(connection, target) };
    const columns = planColumns(facts, staged);
    if (changeTouchesViews(columns.change)) await serializeSwaps(connection);
    const dependents = changeTouchesViews(columns.change) ? await dependentViews(connection, target) : [];
    const grants = Object.keys(node.config.grants).length > 0 ? await relationGrants(connection, target) : [];
    const outcomes = await runSteps(context, applySteps(facts, staged, columns, { dependents, grants }), {
      inTransaction: true,
      // Reported as the schema change it is (not as a database error), so no StatementError cause.
      failure: (step, error) =>
        step.kind === 'sql' && step.role === 'restore-views'
          ? new KpiError(
              'KPI_SCHEMA_CHANGE',
              `changing the columns of ${target.schema}.${target.identifier} breaks views that depend on it (${describeViews(dependents)}): ${(error as Error).message}`,
              {
                node: node.unique_id,
                hint: 'the table was kept as it was; change the views, or keep the columns they use',
              },
            )
          : undefined,
    });
    // dbt reports the last statement: the insert of delete+insert, the merge.
    let message = 'INSERT 0';
    let rowsAffected: number | null = null;
    for (const result of resultsOf(outcomes, 'apply')) {
      message = responseMessage(result, message);
      rowsAffected = result.rowCount;
    }
    return { message, rowsAffected, diff: columns.diff };
  });
  await runSteps(context, plan.after);
  return {
    message: outcome.message,
    rowsAffected: outcome.rowsAffected,
    detail: { strategy: config.strategy, mode: 'incremental', ...schemaChangeDetail(config, outcome.diff) },
  };
}

function schemaChangeDetail(config: IncrementalConfig, diff: ColumnDiff): Record<string, unknown> {
  if (!hasSchemaChange(diff) && diff.widened.length === 0) return {};
  return {
    schema_change: {
      on_schema_change: config.onSchemaChange,
      added: diff.added.map((column) => column.name),
      removed: diff.removed.map((column) => column.name),
      retyped: diff.retyped.map((change) => change.name),
      widened: diff.widened.map((change) => change.name),
    },
  };
}
