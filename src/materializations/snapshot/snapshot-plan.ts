import { quoteIdentifier } from '../../adapters/quote.js';
import type { CatalogColumn, ExistingType } from '../../adapters/catalog.js';
import { KpiError } from '../../errors.js';
import type { ManifestNode } from '../../manifest/types.js';
import type { SnapshotConfig } from '../../project/snapshots/snapshot-config.js';
import { createIndex, indexName, suffixed, type RelationName } from '../ddl.js';
import { diffColumns } from '../incremental/diff-columns.js';
import { alterTableColumns, createStagingTable, stagingRelation } from '../incremental/incremental-ddl.js';
import { analyzeStatement } from '../planner-statistics.js';
import { docsAndGrants } from '../relation-extras.js';
import { hookStep, statement, statements, type Step } from '../step.js';
import { buildSnapshotTable, changesQuery, closeVersions, insertVersions, rowChanged } from './snapshot-sql.js';

export const SOURCE_SUFFIX = '__kpi_snap';
export const CHANGES_SUFFIX = '__kpi_snap_chg';

/** What a snapshot run is planned from before anything runs. */
export interface SnapshotFacts {
  node: ManifestNode;
  config: SnapshotConfig;
  target: RelationName;
  /** What stands at the target's name now. */
  existing: ExistingType | null;
  /** The snapshot's compiled SELECT. */
  sql: string;
}

/** Read in the transaction, once the source's rows are staged. */
export interface StagedSnapshot {
  /** The staged source rows' columns: the snapshot query's output. */
  source: readonly CatalogColumn[];
  /** The snapshot table's columns; null on the first run. */
  existing: readonly CatalogColumn[] | null;
}

export interface SnapshotPlan {
  /** The staged source's identifier (a temporary table, dropped on commit). */
  staging: string;
  /** Before the transaction: out-of-transaction pre-hooks. */
  before: Step[];
  /** In the transaction: pre-hooks, then the source's rows staged once (one read, one clock). `snapshotSteps` follows. */
  stage: Step[];
  /** After the commit: out-of-transaction post-hooks. */
  after: Step[];
}

/**
 * A snapshot run in ONE transaction: the query's rows are staged in a temporary table,
 * checked (the key unique and present), then either become the table (first run) or are
 * compared with the current versions, closing the changed and deleted ones and inserting
 * the new ones (dbt-postgres' update + insert). Any failure leaves the table as it was.
 * A relation that is not a table, or a table without the snapshot's meta columns, is
 * refused before anything is written.
 */
export function planSnapshot(facts: SnapshotFacts): SnapshotPlan {
  const { node, target, existing, sql } = facts;
  if (existing !== null && existing !== 'table') {
    throw new KpiError('KPI_UNSAFE_OPERATION', `${target.schema}.${target.identifier} is a ${existing.replace('_', ' ')}, not a snapshot table; kpi will not replace it`, {
      node: node.unique_id,
      hint: 'drop or rename it yourself, or give the snapshot another alias or target_schema',
    });
  }
  const staging = suffixed(target.identifier, SOURCE_SUFFIX);
  return {
    staging,
    before: hookStep(node, 'pre_hook', false),
    stage: [...hookStep(node, 'pre_hook', true), statement(createStagingTable(staging, sql))],
    after: hookStep(node, 'post_hook', false),
  };
}

const lower = (name: string) => name.toLowerCase();

/** The source column a config entry names (as Postgres folds an unquoted name), or null when it is an expression. */
function sourceColumnFor(written: string, source: readonly CatalogColumn[]): CatalogColumn | null | 'expression' {
  const bare = /^"([^"]+)"$/.exec(written)?.[1] ?? (/^[A-Za-z_][A-Za-z0-9_$]*$/.test(written) ? lower(written) : null);
  if (bare === null) return 'expression';
  return source.find((column) => column.name === bare) ?? null;
}

/** Checks the config's columns against the staged source and the table against the config; throws the user's error. */
export function checkSnapshotColumns(facts: SnapshotFacts, staged: StagedSnapshot): void {
  const { node, config } = facts;
  const names = staged.source.map((column) => column.name);
  const fail = (message: string, hint?: string) => {
    throw new KpiError('KPI_SNAPSHOT_INVALID', `snapshot '${node.name}': ${message}`, { node: node.unique_id, location: { file: node.original_file_path }, hint });
  };
  const named: Array<[string, string]> = [...config.uniqueKey.map((key): [string, string] => ['unique_key', key]), ...(config.updatedAt ? [['updated_at', config.updatedAt] as [string, string]] : [])];
  if (config.checkCols !== 'all') named.push(...config.checkCols.map((column): [string, string] => ['check_cols', column]));
  for (const [key, written] of named) {
    if (sourceColumnFor(written, staged.source) === null) fail(`${key} names '${written}', which is not a column of the snapshot's query (${names.join(', ')})`);
  }
  if (staged.existing === null) return;
  const have = new Set(staged.existing.map((column) => column.name));
  const needed = [config.columns.dbt_scd_id, config.columns.dbt_valid_from, config.columns.dbt_valid_to, ...(config.hardDeletes === 'new_record' ? [config.columns.dbt_is_deleted] : [])];
  const missing = needed.filter((name) => !have.has(name));
  if (missing.length > 0) {
    fail(
      `${facts.target.schema}.${facts.target.identifier} has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}, so it is not a snapshot table of this config`,
      'a table made by another snapshot config (or not by a snapshot) is not changed; drop it to rebuild the snapshot, losing its history, or restore the config it was built with',
    );
  }
}

/** The columns the check strategy compares (quoted), and whether the source has one the table lacks. */
function checkColumns(config: SnapshotConfig, staged: StagedSnapshot): { columns: string[]; added: boolean } {
  const have = new Set((staged.existing ?? []).map((column) => column.name));
  const wanted =
    config.checkCols === 'all'
      ? staged.source.map((column) => column.name)
      : config.checkCols.map((written) => {
          const found = sourceColumnFor(written, staged.source);
          return found === 'expression' || found === null ? written : found.name;
        });
  return { columns: wanted.filter((name) => have.has(name)).map(quoteIdentifier), added: wanted.some((name) => !have.has(name)) };
}

/** The first run: the staged rows become the table, each its first version. */
export function firstSnapshotSteps(facts: SnapshotFacts, staged: StagedSnapshot): Step[] {
  const { node, config, target } = facts;
  const built = [...staged.source.map((column) => column.name), ...metaColumns(config)];
  return [
    statement(buildSnapshotTable(target, stagingRelation(suffixed(target.identifier, SOURCE_SUFFIX)), config), 'build'),
    ...(node.config.indexes ?? []).map((index) => statement(createIndex(target, index, indexName(target.identifier, index)))),
    ...statements(docsAndGrants(node, target, 'table', built)),
    ...hookStep(node, 'post_hook', true),
  ];
}

/** The meta columns a snapshot table has, in order. */
export function metaColumns(config: SnapshotConfig): string[] {
  const { columns } = config;
  return [columns.dbt_scd_id, columns.dbt_updated_at, columns.dbt_valid_from, columns.dbt_valid_to, ...(config.hardDeletes === 'new_record' ? [columns.dbt_is_deleted] : [])];
}

/**
 * A later run, after the staging: the source's new columns added to the table (typed as
 * the query's), the changes computed into a second temporary table, the changed and deleted
 * versions closed, the new versions inserted; grants, comments, post-hooks.
 */
export function laterSnapshotSteps(facts: SnapshotFacts, staged: StagedSnapshot): Step[] {
  const { node, config, target } = facts;
  const existing = staged.existing ?? [];
  const have = new Set(existing.map((column) => column.name));
  const typed = (column: CatalogColumn) => ({ name: column.name, type: column.dataType });
  // New columns are added; bounded varchar columns the query now makes longer are widened (dbt's expand_target_column_types).
  const diff = diffColumns(staged.source.map(typed), existing.map(typed));
  const added = diff.added;
  const alter = alterTableColumns(target, { add: diff.added, drop: [], retype: diff.widened });
  const check = checkColumns(config, staged);
  const staging = stagingRelation(suffixed(target.identifier, SOURCE_SUFFIX));
  const changesName = suffixed(target.identifier, CHANGES_SUFFIX);
  const changes = stagingRelation(changesName);
  const sourceColumns = staged.source.map((column) => ({ name: quoteIdentifier(column.name), inTarget: have.has(column.name) }));
  const insertColumns = [
    ...staged.source.map((column) => column.name),
    config.columns.dbt_updated_at,
    config.columns.dbt_valid_from,
    config.columns.dbt_valid_to,
    config.columns.dbt_scd_id,
    ...(config.hardDeletes === 'new_record' ? [config.columns.dbt_is_deleted] : []),
  ];
  const kept = [...existing.map((column) => column.name), ...added.map((column) => column.name)];
  return [
    statement(
      analyzeStatement(
        staging,
        staged.source.map((column) => ({ name: column.name, type: column.dataType })),
      ),
    ),
    ...(alter ? [statement(alter)] : []),
    statement(createStagingTable(changesName, changesQuery({ config, target, staging, sourceColumns, rowChanged: rowChanged(config, check.columns, check.added) }))),
    statement(closeVersions(target, changes, config), 'apply'),
    statement(insertVersions(target, changes, insertColumns.map(quoteIdentifier)), 'apply'),
    ...statements(docsAndGrants(node, target, 'table', kept)),
    ...hookStep(node, 'post_hook', true),
  ];
}
