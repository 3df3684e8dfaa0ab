import type { CatalogColumn, CatalogConstraint, DependentView, ExistingType, ReferencingForeignKey } from '../adapters/catalog.js';
import { addContractForeignKeys, addForeignKeys, dropForeignKeys, renameConstraints } from './contract-ddl.js';
import { qualified, quoteIdentifier } from '../adapters/quote.js';
import { KpiError } from '../errors.js';
import type { IndexConfig, ManifestNode } from '../manifest/types.js';
import { createIndex, dropRelation, indexName, q, renameIndex, renameRelation, suffixed, type RelationName } from './ddl.js';
import { dropDependentViews, recreateDependentViews } from './dependent-views.js';
import { analyzeStatement } from './planner-statistics.js';
import { docsAndGrants } from './relation-extras.js';
import { hookStep, statement, statements, type Step } from './step.js';

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

/** What the swap is planned from before anything runs. */
export interface TableSwapFacts {
  node: ManifestNode;
  target: RelationName;
  /** What stands at the target's name now. */
  existing: ExistingType | null;
  /** The target is a Citus coordinator, which renames no constraint of a distributed table (only their indexes). */
  citus?: boolean;
}

/** What the swap is planned from once the new table is built, read in the same transaction. */
export interface NewTableFacts {
  /** The new table's columns. */
  columns: readonly CatalogColumn[];
  /** The views on the relation being replaced (none when there is none). */
  dependents: readonly DependentView[];
  /** The new table's constraints (read for a model with an enforced contract). */
  constraints?: readonly CatalogConstraint[];
  /** Other tables' foreign keys on the table being replaced. */
  referencing?: readonly ReferencingForeignKey[];
  /** The constraints of the table being replaced (read when it has foreign keys of its own, and when it is a table). */
  oldConstraints?: readonly CatalogConstraint[];
}

/** The replaced table had foreign keys: it is dropped after the commit (`afterSwapSteps`). */
export const keepsBackup = (facts: TableSwapFacts, built: Pick<NewTableFacts, 'oldConstraints'>): boolean =>
  facts.existing === 'table' && (built.oldConstraints ?? []).some((constraint) => constraint.type === 'f');

/**
 * The backup's name for one of its constraints: Citus renames no constraint of a distributed
 * table, only indexes, so there a key or unique constraint is renamed through its index and
 * the others keep their names (the new table's foreign keys are then named explicitly).
 */
function backupConstraintName(facts: Pick<TableSwapFacts, 'citus'>, constraint: Pick<CatalogConstraint, 'name' | 'type'>): string {
  return facts.citus && !['p', 'u', 'x'].includes(constraint.type) ? constraint.name : suffixed(constraint.name, BACKUP_SUFFIX);
}

/**
 * A backup that outlives the transaction keeps its names: its indexes' are schema-wide, and
 * Postgres names a new constraint so that no other in the schema has its name. Those the new
 * table takes (its keys', its foreign keys', the configured indexes') are moved aside first.
 */
function renameBackupIndexes(facts: TableSwapFacts, backup: RelationName, target: RelationName, built: NewTableFacts, indexes: readonly PlannedIndex[]): string[] {
  const constraintIndexes = (built.oldConstraints ?? [])
    .filter((constraint) => ['p', 'u', 'x', 'f'].includes(constraint.type) && backupConstraintName(facts, constraint) !== constraint.name)
    .map((constraint) =>
      facts.citus
        ? `alter index ${qualified(backup.schema, constraint.name)} rename to ${quoteIdentifier(backupConstraintName(facts, constraint))}`
        : `alter table ${q(backup)} rename constraint ${quoteIdentifier(constraint.name)} to ${quoteIdentifier(backupConstraintName(facts, constraint))}`,
    );
  const configured = indexes.map((index) => `alter index if exists ${qualified(target.schema, index.final)} rename to ${quoteIdentifier(suffixed(index.final, BACKUP_SUFFIX))}`);
  return [...constraintIndexes, ...configured];
}

export interface TableSwapPlan {
  /** The new table, built beside the old one. */
  temp: RelationName;
  /** Before the transaction: out-of-transaction pre-hooks, and clearing what a killed run left (kpi's own names). */
  before: Step[];
  /** In the transaction: pre-hooks, then the build. `swapSteps` follows. */
  build: Step[];
  /** After the commit: out-of-transaction post-hooks. */
  after: Step[];
}

export function swapNames(target: RelationName): { temp: RelationName; backup: RelationName } {
  return {
    temp: { schema: target.schema, identifier: suffixed(target.identifier, TEMP_SUFFIX) },
    backup: { schema: target.schema, identifier: suffixed(target.identifier, BACKUP_SUFFIX) },
  };
}

/**
 * Replacing a relation with a table, readers never seeing a missing or half-built one: the
 * new table is built beside the old one and swapped in within ONE transaction, so any
 * failure (the SELECT, an index, a hook, a view the new table breaks) leaves the old one
 * as it was. `build` fills the new table (`CREATE TABLE AS`, or create and COPY for seeds).
 * A foreign table standing at the name is refused before anything runs.
 */
export function planTableSwap(facts: TableSwapFacts, build: (temp: RelationName) => Step[], options: { preHooksRan?: boolean } = {}): TableSwapPlan {
  const { node, target, existing } = facts;
  if (existing === 'foreign_table') {
    throw new KpiError('KPI_UNSAFE_OPERATION', `${target.schema}.${target.identifier} is a ${existing.replace('_', ' ')} that kpi did not create; it will not replace it`, {
      node: node.unique_id,
      hint: 'drop or rename it yourself, or give the model another alias',
    });
  }
  const { temp, backup } = swapNames(target);
  return {
    temp,
    before: [...hookStep(node, 'pre_hook', false), statement(dropRelation(temp, 'table')), statement(dropRelation(backup, 'table'))],
    // A build in parts ran the pre-hooks in each part's transaction (parallel-build.ts).
    build: [...(options.preHooksRan ? [] : hookStep(node, 'pre_hook', true)), ...build(temp)],
    after: hookStep(node, 'post_hook', false),
  };
}

/**
 * The rest of the build's transaction: the configured indexes (under temporary names until
 * the swap), statistics, and the swap itself. Views on the old relation are dropped
 * (deepest first, never `cascade`) and recreated on the new table under the same names,
 * with their comments and grants; other tables' foreign keys on it likewise, which checks
 * their rows against the new table. The new table's constraints get the names Postgres
 * would have given them on the table's own name.
 */
export function swapSteps(facts: TableSwapFacts, built: NewTableFacts): Step[] {
  const { node, target, existing } = facts;
  const { temp, backup } = swapNames(target);
  const indexes = planIndexes(target, node.config.indexes);
  return [
    ...indexes.map((index) => statement(createIndex(temp, index.config, index.temporary))),
    // Fresh tables have no statistics until autovacuum gets to them; the next model in the
    // same run would be planned blind (a merge join over millions of rows instead of a hash join).
    statement(
      analyzeStatement(
        q(temp),
        built.columns.map((column) => ({ name: column.name, type: column.dataType })),
      ),
    ),
    ...statements(dropDependentViews(built.dependents)),
    ...statements(dropForeignKeys(built.referencing ?? [])),
    ...(existing === 'view' ? [statement(dropRelation(target, 'view'))] : []),
    ...(existing === 'materialized_view' ? [statement(dropRelation(target, 'materialized view'))] : []),
    ...(existing === 'table' ? [statement(renameRelation(target, 'table', backup.identifier))] : []),
    statement(renameRelation(temp, 'table', target.identifier)),
    ...(existing === 'table' && !keepsBackup(facts, built) ? [statement(dropRelation(backup, 'table'))] : []),
    ...(keepsBackup(facts, built) ? statements(renameBackupIndexes(facts, backup, target, built, indexes)) : []),
    ...indexes.map((index) => statement(renameIndex(target.schema, index.temporary, index.final))),
    ...statements(renameConstraints(target, temp.identifier, built.constraints ?? [], { byIndex: Boolean(facts.citus) })),
    ...statements(recreateDependentViews(built.dependents), 'restore-views'),
    ...statements(
      docsAndGrants(
        node,
        target,
        'table',
        built.columns.map((column) => column.name),
      ),
    ),
    ...hookStep(node, 'post_hook', true),
    // Last, just before the commit: adding a foreign key locks the table it references
    // against other foreign keys being added until the transaction ends.
    ...statements(addContractForeignKeys(target, node, { named: Boolean(facts.citus) })),
    ...statements(addForeignKeys(built.referencing ?? []), 'restore-foreign-keys'),
  ];
}

/**
 * After the commit: the replaced table, when it had foreign keys of its own. Dropping a
 * foreign key takes an exclusive lock on the table it references, which waits for every
 * transaction reading that table. In the swap's transaction, or several keys in one
 * statement (`drop table`), that is a deadlock with models building in parallel that read
 * one dimension and add their own key to another. So each key is dropped on its own (each
 * statement its own transaction, holding nothing else while it waits), then the table.
 * A run that dies first leaves the backup for the next run's `before` to clear.
 * On Postgres each key asks for its lock in short tries (`withoutQueueing`).
 */
export function afterSwapSteps(facts: TableSwapFacts, built: Pick<NewTableFacts, 'oldConstraints'>): Step[] {
  if (!keepsBackup(facts, built)) return [];
  const { backup } = swapNames(facts.target);
  const keys = (built.oldConstraints ?? []).filter((constraint) => constraint.type === 'f');
  const dropKey = (key: CatalogConstraint) => `alter table ${q(backup)} drop constraint ${quoteIdentifier(backupConstraintName(facts, key))}`;
  return [...keys.map((key) => statement(facts.citus ? dropKey(key) : withoutQueueing(dropKey(key)))), statement(dropRelation(backup, 'table'))];
}

const RETRY_TAG = '$kpi_retry$';

/**
 * `ddl` asking for its locks in tries of 100 ms, for as long as the session's lock_timeout
 * allows (forever when it is 0, as a plain statement would wait). A plain request for an
 * exclusive lock that has to wait queues every later reader of that table behind it: a
 * dimension that a parallel model reads for seconds would then block BI queries and other
 * models for as long. Between tries no request stands. Citus keeps the plain statement:
 * DDL on a distributed table inside a PL/pgSQL exception block is untested there.
 */
function withoutQueueing(ddl: string): string {
  // A quoted name holding the tag would end the block early: such a name keeps the plain statement.
  if (ddl.includes(RETRY_TAG)) return ddl;
  return [
    `do ${RETRY_TAG}`,
    'declare',
    "  patience interval := nullif(current_setting('lock_timeout'), '0')::interval;",
    '  started timestamptz := clock_timestamp();',
    'begin',
    "  perform set_config('lock_timeout', '100ms', true);",
    '  loop',
    '    begin',
    `      ${ddl};`,
    '      return;',
    '    exception when lock_not_available then',
    '      if patience is not null and clock_timestamp() - started >= patience then',
    '        raise;',
    '      end if;',
    '      perform pg_sleep(0.05);',
    '    end;',
    '  end loop;',
    'end',
    RETRY_TAG,
  ].join('\n');
}
