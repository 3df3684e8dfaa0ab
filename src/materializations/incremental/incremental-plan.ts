import type { CatalogColumn, CatalogGrant, DependentView } from '../../adapters/catalog.js';
import type { ManifestNode } from '../../manifest/types.js';
import { createTableAs, dropRelation, q, suffixed, type RelationName } from '../ddl.js';
import { distributeTable, type Distribution } from '../distribution.js';
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
  /**
   * On Citus, how the table is distributed: the rows are then staged in a table of the
   * target's schema distributed the same way (colocated with it), since Citus merges into a
   * distributed table only from one, and a temporary table cannot be one.
   */
  distribution?: Distribution | null;
}

/** Where the new rows are staged: a temporary table, or on Citus one distributed like the target. */
export interface Staging {
  identifier: string;
  /** The staging table as SQL. */
  sql: string;
  /** The staging table as the catalog names it. */
  relation: RelationName;
  /** Whether it is the distributed kind, which the transaction drops itself. */
  distributed: boolean;
}

export function stagingOf(facts: Pick<IncrementFacts, 'target' | 'distribution'>): Staging {
  const identifier = suffixed(facts.target.identifier, STAGING_SUFFIX);
  if (facts.distribution) {
    const relation = { schema: facts.target.schema, identifier };
    return { identifier, sql: q(relation), relation, distributed: true };
  }
  return { identifier, sql: stagingRelation(identifier), relation: { schema: 'pg_temp', identifier }, distributed: false };
}

/** The staging table of a distributed target: made empty, distributed colocated with the target, then filled. */
function distributedStagingSteps(facts: IncrementFacts, staging: Staging, distribution: Distribution): Step[] {
  const colocated: Distribution = distribution.kind === 'reference' ? distribution : { ...distribution, colocateWith: facts.target.identifier, shardCount: null };
  return [
    statement(`${createTableAs(staging.relation, facts.sql)}\nwith no data`),
    statement(distributeTable(staging.relation, colocated, staging.relation)),
    statement(`insert into ${staging.sql}\nselect * from (\n${facts.sql}\n) as model_subq`),
  ];
}

/** The columns read once the new rows are staged, in the same transaction. */
export interface StagedColumns {
  /** The staged rows' columns: the model's output. */
  source: readonly CatalogColumn[];
  /** The table's columns. */
  existing: readonly CatalogColumn[];
}

export interface IncrementPlan {
  /** The staging table's identifier (a temporary table, or on Citus a distributed one). */
  staging: string;
  /** The staging table as the catalog names it. */
  stagingRelation: RelationName;
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
  const { node, sql } = facts;
  const staging = stagingOf(facts);
  const stage = facts.distribution ? distributedStagingSteps(facts, staging, facts.distribution) : [statement(createStagingTable(staging.identifier, sql))];
  return {
    staging: staging.identifier,
    stagingRelation: staging.relation,
    // A killed run's distributed staging table (kpi's own name) is cleared first.
    before: [...hookStep(node, 'pre_hook', false), ...(staging.distributed ? [statement(dropRelation(staging.relation, 'table'))] : [])],
    stage: [...hookStep(node, 'pre_hook', true), ...sqlHeaderSteps(node), ...stage],
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
  const staging = stagingOf(facts);
  const alter = alterTableColumns(target, change);
  const dependents = changeTouchesViews(change) ? more.dependents : [];
  const dml = strategySql(config.apply, {
    target,
    staging: staging.identifier,
    stagingSql: staging.sql,
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
    statement(analyzeStatement(staging.sql, staged.source.map(typed))),
    ...statements(dropDependentViews(dependents)),
    ...(alter ? [statement(alter)] : []),
    ...statements(recreateDependentViews(dependents), 'restore-views'),
    ...statements(dml, 'apply'),
    // Existing indexes keep their stable names, so only new ones are made.
    ...planIndexes(target, node.config.indexes).map((index) => statement(createIndexIfMissing(target, index.config, index.final))),
    ...statements(staleGrantRevokes(target, node.config.grants, more.grants)),
    ...statements(docsAndGrants(node, target, 'table', kept)),
    ...hookStep(node, 'post_hook', true),
    // The temporary kind goes at the commit (`on commit drop`); the distributed kind with it.
    ...(staging.distributed ? [statement(dropRelation(staging.relation, 'table'))] : []),
  ];
}
