import type { CatalogColumn, ExistingType, ReferencingForeignKey } from '../adapters/catalog.js';
import { addForeignKeys, dropForeignKeys } from './contract-ddl.js';
import { createIndexIfMissing } from './incremental/incremental-ddl.js';
import { planIndexes } from './table-swap-plan.js';
import { KpiError } from '../errors.js';
import type { ManifestNode } from '../manifest/types.js';
import { quoteIdentifier } from '../adapters/quote.js';
import { createTable, q, suffixed, truncateTable, type ColumnDefinition, type RelationName } from './ddl.js';
import { analyzeStatement } from './planner-statistics.js';
import { docsAndGrants } from './relation-extras.js';
import { hookStep, statement, statements, type Step, type TransactionPlan } from './step.js';

export const SEED_SAVEPOINT = 'kpi_seed_load';

/** What a seed load is planned from. */
export interface SeedFacts {
  node: ManifestNode;
  target: RelationName;
  /** The seed's file, as messages name it. */
  file: string;
  /** The table's columns as the CSV header names them, in the file's order. */
  header: readonly string[];
  existing: ExistingType | null;
}

/** A seed replaces only a table (or nothing): a view or anything else standing there is someone's, and stays. */
export function checkSeedTarget(facts: SeedFacts): void {
  const { existing, target, node, file } = facts;
  if (existing === null || existing === 'table') return;
  throw new KpiError('KPI_UNSAFE_OPERATION', `${target.schema}.${target.identifier} is a ${existing.replace('_', ' ')}; kpi will not replace it with a seed table`, {
    node: node.unique_id,
    location: { file },
    hint: 'drop or rename the relation yourself, or give the seed another alias',
  });
}

/** A reload keeps the table, so its columns must be the file's: otherwise an error asking for --full-refresh. */
export function checkSeedColumns(facts: SeedFacts, current: readonly CatalogColumn[]): void {
  const { header, target, node, file } = facts;
  const names = current.map((column) => column.name);
  const added = header.filter((name) => !names.includes(name));
  const removed = names.filter((name) => !header.includes(name));
  if (added.length === 0 && removed.length === 0) return;
  const list = (items: string[]) => items.map((name) => JSON.stringify(name)).join(', ');
  const changes = [added.length > 0 ? `new ${list(added)}` : '', removed.length > 0 ? `gone ${list(removed)}` : ''].filter(Boolean).join('; ');
  throw new KpiError('KPI_SCHEMA_CHANGE', `the columns of the seed changed since ${target.schema}.${target.identifier} was built (${changes})`, {
    node: node.unique_id,
    location: { file },
    hint: `run kpi seed --full-refresh --select ${node.name} to rebuild the table with the new columns`,
  });
}

/**
 * dbt's reload (truncate and insert), here truncate and COPY in one transaction. The table
 * stays the same object, so its grants, indexes and the views on it are untouched; readers
 * wait for the transaction rather than see an empty table. `current` is the table's columns.
 * Postgres truncates no table other tables' foreign keys reference: those keys (`referencing`)
 * are dropped first and added again after the load, which checks their rows against it.
 */
export function planSeedReload(facts: SeedFacts, current: readonly CatalogColumn[], referencing: readonly ReferencingForeignKey[] = []): TransactionPlan {
  const { node, target, header } = facts;
  return {
    before: hookStep(node, 'pre_hook', false),
    transaction: [
      ...hookStep(node, 'pre_hook', true),
      ...statements(dropForeignKeys(referencing)),
      statement(truncateTable(target)),
      { kind: 'copy', table: q(target), columns: header },
      // Indexes configured since the table was made (the key other tables' foreign keys need, say).
      ...planIndexes(target, node.config.indexes).map((index) => statement(createIndexIfMissing(target, index.config, index.final))),
      ...statements(addForeignKeys(referencing), 'restore-foreign-keys'),
      // As after a swap: the refilled table's statistics would describe the old rows.
      statement(
        analyzeStatement(
          q(target),
          current.map((column) => ({ name: column.name, type: column.dataType })),
        ),
      ),
      ...docsAndGrants(node, target, 'table', header).map((sql) => statement(sql)),
      ...hookStep(node, 'post_hook', true),
    ],
    after: hookStep(node, 'post_hook', false),
  };
}

/** The steps of a reload of a seed other tables' foreign keys reference, around one comparison. */
export interface ReferencedSeedReloadPlan {
  before: Step[];
  /** In the transaction: pre-hooks, the file's rows COPYed into a temporary table shaped like the seed's. */
  stage: Step[];
  /** A query of one row, `changed`: whether the staged rows differ from the table's (as multisets). */
  compare: string;
  /** When they differ: the keys off, truncate, the staged rows in, the keys back (which checks them). */
  refill: Step[];
  /** When they do not: nothing to load. */
  unchanged: Step[];
  after: Step[];
}

export const SEED_STAGING_SUFFIX = '__kpi_seed';

/**
 * A reload of a seed that other tables' foreign keys reference (a dimension), whose file
 * mostly has not changed since the last run. Truncating it means dropping those keys and
 * adding them again, which checks every row of the referencing tables (seconds for the
 * KPI mart's facts, at every build); so the file's rows are staged first, and when they
 * are the table's rows the table is left as it is. `current` is the table's columns.
 */
export function planReferencedSeedReload(facts: SeedFacts, current: readonly CatalogColumn[], referencing: readonly ReferencingForeignKey[]): ReferencedSeedReloadPlan {
  const { node, target, header } = facts;
  const staging = quoteIdentifier(suffixed(target.identifier, SEED_STAGING_SUFFIX));
  const staged = `pg_temp.${staging}`;
  const indexes = planIndexes(target, node.config.indexes).map((index) => statement(createIndexIfMissing(target, index.config, index.final)));
  const finish = [...docsAndGrants(node, target, 'table', header).map((sql) => statement(sql)), ...hookStep(node, 'post_hook', true)];
  return {
    before: hookStep(node, 'pre_hook', false),
    stage: [...hookStep(node, 'pre_hook', true), statement(`create temporary table ${staging} (like ${q(target)}) on commit drop`), { kind: 'copy', table: staged, columns: header }],
    compare: `select exists (select * from ${staged} except all select * from ${q(target)})
    or exists (select * from ${q(target)} except all select * from ${staged}) as changed`,
    refill: [
      ...statements(dropForeignKeys(referencing)),
      statement(truncateTable(target)),
      statement(`insert into ${q(target)} select * from ${staged}`),
      ...indexes,
      ...statements(addForeignKeys(referencing), 'restore-foreign-keys'),
      statement(
        analyzeStatement(
          q(target),
          current.map((column) => ({ name: column.name, type: column.dataType })),
        ),
      ),
      ...finish,
    ],
    unchanged: [...indexes, ...finish],
    after: hookStep(node, 'post_hook', false),
  };
}

/**
 * Filling a new seed table: create it with `columns` (the types the file calls for) and
 * COPY into it. While the file is still being read (`savepoint`), the types come from the
 * part read so far, so the fill is marked with a savepoint to go back to (`seedRetrySteps`).
 * On Citus, `distribute` (distribution.ts) makes the empty table distributed or a reference
 * table, and COPY sends each row to its shard.
 */
export function seedFillSteps(temp: RelationName, columns: readonly ColumnDefinition[], options: { savepoint: boolean; distribute?: string | null }): Step[] {
  const fill: Step[] = [
    statement(createTable(temp, columns), 'seed-table'),
    ...(options.distribute ? [statement(options.distribute)] : []),
    { kind: 'copy', table: q(temp), columns: columns.map((column) => column.name) },
  ];
  if (!options.savepoint) return fill;
  return [statement(`savepoint ${SEED_SAVEPOINT}`), ...fill, statement(`release savepoint ${SEED_SAVEPOINT}`)];
}

/** The rest of the file called for other types: back to before the table existed, and fill it again with the whole file's. */
export function seedRetrySteps(temp: RelationName, columns: readonly ColumnDefinition[], distribute: string | null = null): Step[] {
  return [statement(`rollback to savepoint ${SEED_SAVEPOINT}`), ...seedFillSteps(temp, columns, { savepoint: false, distribute })];
}
