import { inTransaction } from '../../adapters/adapter.js';
import { KpiError } from '../../errors.js';
import { createTableAs, q, suffixed } from '../ddl.js';
import { captureDependentViews, describeViews, dropDependentViews, recreateDependentViews } from '../dependent-views.js';
import { responseMessage, type MaterializationContext, type MaterializationResult } from '../materialization.js';
import { docsAndGrants, runAll, runHooks } from '../relation-extras.js';
import { analyzeForPlanner } from '../planner-statistics.js';
import { buildTableWithSwap, planIndexes } from '../table.js';
import { diffColumns, hasSchemaChange, type ColumnDiff } from './diff-columns.js';
import { alterTableColumns, createIndexIfMissing, createStagingTable, stagingRelation } from './incremental-ddl.js';
import { resolveIncrementalConfig, shouldFullRefresh, type IncrementalConfig } from './incremental-config.js';
import { matchColumns } from './match-columns.js';
import { planSchemaChange, type SchemaChangePlan } from './plan-schema-change.js';
import { relationColumns } from './relation-columns.js';
import { revokeStaleGrants } from './stale-grants.js';
import { strategySql } from './strategy-sql.js';

export const STAGING_SUFFIX = '__kpi_incr';

/**
 * `incremental`: the first run, a full refresh, or a view standing in the way build the
 * table as `table` does. Later runs stage the model's rows in a temporary table and apply
 * them by strategy in ONE transaction, with any schema change: a failure anywhere (a
 * duplicate key, a hook, a view the change would break) leaves the table as it was.
 */
export async function materializeIncremental(context: MaterializationContext): Promise<MaterializationResult> {
  // Checked before anything runs, the first run too: a typo should not wait for run two.
  const config = resolveIncrementalConfig(context.node);
  const fullRefresh = shouldFullRefresh(context.node, context.fullRefresh);
  if (context.existing !== 'table' || fullRefresh) {
    const unlogged = Boolean(context.node.config.unlogged);
    const built = await buildTableWithSwap(context, (temp) => createTableAs(temp, context.sql, { unlogged }));
    return { ...built, detail: { strategy: config.strategy, mode: context.existing === 'table' ? 'full_refresh' : 'create' } };
  }
  return applyIncrement(context, config);
}

/** The views on the table that a column drop or type change would break (they are recreated after it). */
function touchesViews(plan: SchemaChangePlan): boolean {
  return plan.drop.length > 0 || plan.retype.length > 0;
}

async function applySchemaChange(context: MaterializationContext, plan: SchemaChangePlan): Promise<void> {
  const alter = alterTableColumns(context.target, plan);
  if (!alter) return;
  const dependents = touchesViews(plan) ? await captureDependentViews(context.connection, context.target) : [];
  await runAll(context, dropDependentViews(dependents));
  await context.run(alter);
  try {
    await runAll(context, recreateDependentViews(dependents));
  } catch (error) {
    // Reported as the schema change it is (not as a database error), so no StatementError cause.
    throw new KpiError('KPI_SCHEMA_CHANGE', `changing the columns of ${context.target.schema}.${context.target.identifier} breaks views that depend on it (${describeViews(dependents)}): ${(error as Error).message}`, {
      node: context.node.unique_id,
      hint: 'the table was kept as it was; change the views, or keep the columns they use',
    });
  }
}

function updateColumns(config: IncrementalConfig, columns: readonly string[], keys: readonly string[], where: { node: string; model: string; file: string }): string[] {
  if (config.mergeUpdateColumns) return matchColumns(config.mergeUpdateColumns, columns, 'merge_update_columns', where);
  const excluded = new Set(config.mergeExcludeColumns ? matchColumns(config.mergeExcludeColumns, columns, 'merge_exclude_columns', where) : []);
  // A key column already equals the new row's value on a match: setting it again only costs index work.
  return columns.filter((column) => !excluded.has(column) && !keys.includes(column));
}

async function applyIncrement(context: MaterializationContext, config: IncrementalConfig): Promise<MaterializationResult> {
  const { node, target, connection } = context;
  const staging = suffixed(target.identifier, STAGING_SUFFIX);
  const where = { node: node.unique_id, model: node.name, file: node.original_file_path };
  await runHooks(context, 'pre_hook', false);
  const outcome = await inTransaction(connection, async () => {
    await runHooks(context, 'pre_hook', true);
    await context.run(createStagingTable(staging, context.sql));
    // Without statistics Postgres guesses 200 distinct keys, and a MERGE into a large table
    // may walk its whole index in a merge join; with them it weighs index lookups against a
    // scan from the increment's real size.
    await analyzeForPlanner(context, stagingRelation(staging));
    const source = await relationColumns(connection, stagingRelation(staging));
    const existing = await relationColumns(connection, q(target));
    const sourceNames = source.map((column) => column.name);
    const keys = matchColumns(config.uniqueKey, sourceNames, 'unique_key', where);

    const diff = diffColumns(source, existing);
    const plan = planSchemaChange(config.onSchemaChange, diff, { node: node.unique_id, table: `${target.schema}.${target.identifier}`, source, target: existing });
    await applySchemaChange(context, plan);

    const statements = strategySql(config.apply, {
      target,
      staging,
      columns: plan.destColumns,
      uniqueKey: keys,
      predicates: config.predicates,
      updateColumns: config.apply === 'merge' ? updateColumns(config, plan.destColumns, keys, where) : [],
    });
    let message = 'INSERT 0';
    let rowsAffected: number | null = null;
    for (const statement of statements) {
      const result = await context.run(statement);
      // dbt reports the last statement: the insert of delete+insert, the merge.
      message = responseMessage(result, message);
      rowsAffected = result.rowCount;
    }

    // Indexes added to the config since the table was built; existing ones keep their stable names.
    for (const index of planIndexes(target, node.config.indexes)) {
      await context.run(createIndexIfMissing(target, index.config, index.final));
    }
    const columns = [...existing.map((column) => column.name).filter((name) => !plan.drop.includes(name)), ...plan.add.map((column) => column.name)];
    await runAll(context, await revokeStaleGrants(connection, target, node.config.grants));
    await runAll(context, docsAndGrants(node, target, 'table', columns));
    await runHooks(context, 'post_hook', true);
    return { message, rowsAffected, diff };
  });
  await runHooks(context, 'post_hook', false);
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
