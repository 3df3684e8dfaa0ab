import { inTransaction } from '../adapters/adapter.js';
import { KpiError } from '../errors.js';
import type { IndexConfig } from '../manifest/types.js';
import {
  createIndex,
  createTableAs,
  dropRelation,
  indexName,
  renameIndex,
  q,
  renameRelation,
  suffixed,
  type RelationName,
} from './ddl.js';
import { captureDependentViews, dropDependentViews, restoreDependentViews } from './dependent-views.js';
import { responseMessage, type MaterializationContext, type MaterializationResult } from './materialization.js';
import { analyzeForPlanner } from './planner-statistics.js';
import { columnNames, docsAndGrants, runAll, runHooks } from './relation-extras.js';

export const TEMP_SUFFIX = '__kpi_tmp';
export const BACKUP_SUFFIX = '__kpi_backup';

interface PlannedIndex {
  temporary: string;
  final: string;
  config: IndexConfig;
}

export function planIndexes(target: RelationName, indexes: readonly IndexConfig[] | undefined): PlannedIndex[] {
  return (indexes ?? []).map((config) => {
    const final = indexName(target.identifier, config);
    return { final, temporary: suffixed(final, '_t'), config };
  });
}

/** Fills the new table beside the old one (`CREATE TABLE AS`, or create and COPY for seeds). */
export type BuildTable = (temp: RelationName) => Promise<MaterializationResult>;

/**
 * Build the new table beside the old one, then swap them in ONE transaction: readers see
 * either the old table or the new, never a missing or half-built one, and any failure
 * (the SELECT, an index, a hook) leaves the old table as it was.
 */
export async function buildTableWithSwap(context: MaterializationContext, buildSql: (temp: RelationName) => string): Promise<MaterializationResult> {
  return swapInTable(context, async (temp) => {
    const created = await context.run(buildSql(temp));
    return { message: responseMessage(created, 'CREATE TABLE'), rowsAffected: created.rowCount };
  });
}

/** `buildTableWithSwap` with any way of filling the new table; the build runs inside the swap's transaction. */
export async function swapInTable(context: MaterializationContext, build: BuildTable): Promise<MaterializationResult> {
  const { target, existing } = context;
  const temp = { schema: target.schema, identifier: suffixed(target.identifier, TEMP_SUFFIX) };
  const backup = { schema: target.schema, identifier: suffixed(target.identifier, BACKUP_SUFFIX) };
  if (existing === 'foreign_table' || existing === 'materialized_view') {
    throw new KpiError('KPI_UNSAFE_OPERATION', `${target.schema}.${target.identifier} is a ${existing.replace('_', ' ')} that kpi did not create; it will not replace it`, {
      node: context.node.unique_id,
      hint: 'drop or rename it yourself, or give the model another alias',
    });
  }
  await runHooks(context, 'pre_hook', false);
  // Leftovers of a run that was killed mid-build are kpi's own names: safe to clear.
  await context.run(dropRelation(temp, 'table'));
  await context.run(dropRelation(backup, 'table'));

  const indexes = planIndexes(target, context.node.config.indexes);
  let response = 'CREATE TABLE';
  let rowsAffected: number | null = null;
  await inTransaction(context.connection, async () => {
    await runHooks(context, 'pre_hook', true);
    ({ message: response, rowsAffected } = await build(temp));
    for (const index of indexes) await context.run(createIndex(temp, index.config, index.temporary));
    // Fresh tables have no statistics until autovacuum gets to them; the next model in the
    // same run would be planned blind (a merge join over millions of rows instead of a hash join).
    await analyzeForPlanner(context, q(temp));

    const dependents = existing ? await captureDependentViews(context.connection, target) : [];
    await runAll(context, dropDependentViews(dependents));
    if (existing === 'view') await context.run(dropRelation(target, 'view'));
    if (existing === 'table') await context.run(renameRelation(target, 'table', backup.identifier));
    await context.run(renameRelation(temp, 'table', target.identifier));
    if (existing === 'table') await context.run(dropRelation(backup, 'table'));
    for (const index of indexes) await context.run(renameIndex(target.schema, index.temporary, index.final));
    await restoreDependentViews(context, dependents);
    await runAll(context, docsAndGrants(context.node, target, 'table', await columnNames(context.connection, target)));
    await runHooks(context, 'post_hook', true);
  });
  await runHooks(context, 'post_hook', false);
  return { message: response, rowsAffected };
}

export async function materializeTable(context: MaterializationContext): Promise<MaterializationResult> {
  const unlogged = Boolean(context.node.config.unlogged);
  return buildTableWithSwap(context, (temp) => createTableAs(temp, context.sql, { unlogged }));
}
