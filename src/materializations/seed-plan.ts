import type { CatalogColumn, ExistingType, ReferencingForeignKey } from '../adapters/catalog.js';
import { addForeignKeys, dropForeignKeys } from './contract-ddl.js';
import { createIndexIfMissing } from './incremental/incremental-ddl.js';
import { planIndexes } from './table-swap-plan.js';
import { KpiError } from '../errors.js';
import type { ManifestNode } from '../manifest/types.js';
import { createTable, q, truncateTable, type ColumnDefinition, type RelationName } from './ddl.js';
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

/**
 * Filling a new seed table: create it with `columns` (the types the file calls for) and
 * COPY into it. While the file is still being read (`savepoint`), the types come from the
 * part read so far, so the fill is marked with a savepoint to go back to (`seedRetrySteps`).
 */
export function seedFillSteps(temp: RelationName, columns: readonly ColumnDefinition[], options: { savepoint: boolean }): Step[] {
  const fill: Step[] = [statement(createTable(temp, columns), 'seed-table'), { kind: 'copy', table: q(temp), columns: columns.map((column) => column.name) }];
  if (!options.savepoint) return fill;
  return [statement(`savepoint ${SEED_SAVEPOINT}`), ...fill, statement(`release savepoint ${SEED_SAVEPOINT}`)];
}

/** The rest of the file called for other types: back to before the table existed, and fill it again with the whole file's. */
export function seedRetrySteps(temp: RelationName, columns: readonly ColumnDefinition[]): Step[] {
  return [statement(`rollback to savepoint ${SEED_SAVEPOINT}`), ...seedFillSteps(temp, columns, { savepoint: false })];
}
