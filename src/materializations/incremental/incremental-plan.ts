import type { CatalogColumn, CatalogGrant, DependentView } from '../../adapters/catalog.js';
import type { ManifestNode } from '../../manifest/types.js';
import { suffixed, type RelationName } from '../ddl.js';
import { dropDependentViews, recreateDependentViews } from '../dependent-views.js';
import { analyzeStatement } from '../planner-statistics.js';
import { docsAndGrants } from '../relation-extras.js';
import { hookStep, sqlHeaderSteps, statement, statements, type Step } from '../step.js';
import { planIndexes } from '../table-swap-plan.js';
import { diffColumns, type ColumnDiff } from './diff-columns.js';
import { alterTableColumns, createIndexIfMissing, createStagingTable, stagingRelation } from './incremental-ddl.js';
import type { IncrementalConfig } from './incremental-config.js';
import { matchColumns } from './match-columns.js';
import { planSchemaChange, type SchemaChangePlan } from './plan-schema-change.js';
import { staleGrantRevokes } from './stale-grants.js';
import { strategySql } from './strategy-sql.js';

export const STAGING_SUFFIX = '__kpi_incr';

/** What an incremental run is planned from before anything runs. */
export interface IncrementFacts {
  node: ManifestNode;
  config: IncrementalConfig;
  target: RelationName;
  /** The model's compiled SELECT (its new rows). */
  sql: string;
}

/** The columns read once the new rows are staged, in the same transaction. */
export interface StagedColumns {
  /** The staged rows' columns: the model's output. */
  source: readonly CatalogColumn[];
  /** The table's columns. */
  existing: readonly CatalogColumn[];
}

export interface IncrementPlan {
  /** The staging table's identifier (a temporary table). */
  staging: string;
  /** Before the transaction: out-of-transaction pre-hooks. */
  before: Step[];
  /** In the transaction: pre-hooks, then the new rows into the staging table. `applySteps` follows. */
  stage: Step[];
  /** After the commit: out-of-transaction post-hooks. */
  after: Step[];
}

/**
 * An incremental run on a table that exists: the model's rows are staged in a temporary
 * table (`on commit drop`: nothing survives on a pooled connection, committed or not),
 * then applied by strategy in the same transaction with any schema change, so a failure
 * anywhere leaves the table exactly as it was.
 */
export function planIncrement(facts: IncrementFacts): IncrementPlan {
  const { node, target, sql } = facts;
  const staging = suffixed(target.identifier, STAGING_SUFFIX);
  return {
    staging,
    before: hookStep(node, 'pre_hook', false),
    stage: [...hookStep(node, 'pre_hook', true), ...sqlHeaderSteps(node), statement(createStagingTable(staging, sql))],
    after: hookStep(node, 'post_hook', false),
  };
}

/** How the staged columns meet the table: the key as the model names it, and what on_schema_change makes of the difference. */
export interface ColumnPlan {
  keys: string[];
  diff: ColumnDiff;
  change: SchemaChangePlan;
}

/** Checks the config's columns against the model's and plans the schema change; throws the user's error when either fails. */
export function planColumns(facts: IncrementFacts, staged: StagedColumns): ColumnPlan {
  const { node, config, target } = facts;
  const where = { node: node.unique_id, model: node.name, file: node.original_file_path };
  const keys = matchColumns(
    config.uniqueKey,
    staged.source.map((column) => column.name),
    'unique_key',
    where,
  );
  const source = staged.source.map(typed);
  const existing = staged.existing.map(typed);
  const diff = diffColumns(source, existing);
  const change = planSchemaChange(config.onSchemaChange, diff, { node: node.unique_id, table: `${target.schema}.${target.identifier}`, source, target: existing });
  return { keys, diff, change };
}

const typed = (column: CatalogColumn) => ({ name: column.name, type: column.dataType });

/** Whether the schema change breaks the views on the table (a dropped or retyped column): then they are recreated around it. */
export function changeTouchesViews(change: SchemaChangePlan): boolean {
  return change.drop.length > 0 || change.retype.length > 0;
}

/** What else the apply is planned from: read only when needed. */
export interface ApplyFacts {
  /** The views on the table, when `changeTouchesViews`. */
  dependents: readonly DependentView[];
  /** The table's grants, when the model configures `grants`. */
  grants: readonly CatalogGrant[];
}

function updateColumns(facts: IncrementFacts, columns: readonly string[], keys: readonly string[]): string[] {
  const { config, node } = facts;
  const where = { node: node.unique_id, model: node.name, file: node.original_file_path };
  if (config.mergeUpdateColumns) return matchColumns(config.mergeUpdateColumns, columns, 'merge_update_columns', where);
  const excluded = new Set(config.mergeExcludeColumns ? matchColumns(config.mergeExcludeColumns, columns, 'merge_exclude_columns', where) : []);
  // A key column already equals the new row's value on a match: setting it again only costs index work.
  return columns.filter((column) => !excluded.has(column) && !keys.includes(column));
}

/**
 * The rest of the transaction: statistics on the staged rows, the schema change (views
 * on the table dropped and recreated around it only when it drops or retypes a column;
 * never `cascade`), the strategy's DML, indexes added to the config since the build,
 * grants the config no longer lists revoked, grants and comments, post-hooks.
 */
export function applySteps(facts: IncrementFacts, staged: StagedColumns, columns: ColumnPlan, more: ApplyFacts): Step[] {
  const { node, config, target } = facts;
  const { keys, change } = columns;
  const staging = suffixed(target.identifier, STAGING_SUFFIX);
  const alter = alterTableColumns(target, change);
  const dependents = changeTouchesViews(change) ? more.dependents : [];
  const dml = strategySql(config.apply, {
    target,
    staging,
    columns: change.destColumns,
    uniqueKey: keys,
    predicates: config.predicates,
    updateColumns: config.apply === 'merge' ? updateColumns(facts, change.destColumns, keys) : [],
  });
  const kept = [...staged.existing.map((column) => column.name).filter((name) => !change.drop.includes(name)), ...change.add.map((column) => column.name)];
  return [
    // Without statistics Postgres guesses 200 distinct keys, and a MERGE into a large table
    // may walk its whole index in a merge join; with them it weighs index lookups against a
    // scan from the increment's real size.
    statement(analyzeStatement(stagingRelation(staging), staged.source.map(typed))),
    ...statements(dropDependentViews(dependents)),
    ...(alter ? [statement(alter)] : []),
    ...statements(recreateDependentViews(dependents), 'restore-views'),
    ...statements(dml, 'apply'),
    // Existing indexes keep their stable names, so only new ones are made.
    ...planIndexes(target, node.config.indexes).map((index) => statement(createIndexIfMissing(target, index.config, index.final))),
    ...statements(staleGrantRevokes(target, node.config.grants, more.grants)),
    ...statements(docsAndGrants(node, target, 'table', kept)),
    ...hookStep(node, 'post_hook', true),
  ];
}
