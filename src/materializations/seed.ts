import { inTransaction } from '../adapters/adapter.js';
import { quoteIdentifier } from '../adapters/quote.js';
import { KpiError } from '../errors.js';
import { seedCopyError } from '../seeds/copy-error.js';
import { SeedTypesChanged, type SeedFile } from '../seeds/seed-file.js';
import { createTable, q, truncateTable, type RelationName } from './ddl.js';
import { analyzeForPlanner } from './planner-statistics.js';
import { type MaterializationContext, type MaterializationResult } from './materialization.js';
import { StatementError } from '../adapters/statement-error.js';
import { columnNames, docsAndGrants, runAll, runHooks } from './relation-extras.js';
import { swapInTable } from './table.js';

const SAVEPOINT = 'kpi_seed_load';

/**
 * Load a seed's CSV into its table, all or nothing, with COPY.
 *
 * - No table yet, or a full refresh: create the new table beside the old one, COPY into
 *   it, and swap it in (`swapInTable`: dependent views are kept).
 * - A table with the same columns: dbt's reload, truncate and insert, here truncate and
 *   COPY in one transaction. The table stays the same object, so its grants, indexes and
 *   the views on it are untouched, and a value that does not fit its types stops the load.
 *   Readers wait for the transaction rather than see an empty table.
 * - A table whose columns differ from the CSV's: an error asking for --full-refresh.
 *
 * The file may still be being read while COPY runs (see `SeedFile`). Every failure (a bad
 * record found late, a value COPY refuses, a hook, a view that would break) rolls back:
 * the previous table stays as it was, readable throughout.
 */
export async function materializeSeed(context: MaterializationContext, seed: SeedFile): Promise<MaterializationResult> {
  const { node, target, existing, connection } = context;
  if (existing !== null && existing !== 'table') {
    throw new KpiError('KPI_UNSAFE_OPERATION', `${target.schema}.${target.identifier} is a ${existing.replace('_', ' ')}; kpi will not replace it with a seed table`, {
      node: node.unique_id,
      location: { file: seed.file },
      hint: 'drop or rename the relation yourself, or give the seed another alias',
    });
  }
  const columns = seed.header.map((column) => column.name);
  const copyInto = async (table: string, types: readonly string[] | null, into: 'new table' | 'existing table'): Promise<number> => {
    try {
      return await connection.copyFromCsv(table, columns.map(quoteIdentifier), seed.data(types), { delimiter: seed.options.delimiter });
    } catch (error) {
      // Problems the file reader found are already the seed's errors; the rest are Postgres's.
      if (error instanceof KpiError || error instanceof SeedTypesChanged) throw error;
      throw seedCopyError(error, seed, into);
    }
  };

  if (existing === 'table' && !context.fullRefresh) {
    await assertSameColumns(context, seed, columns);
    const rows = await reload(context, columns, () => copyInto(q(target), null, 'existing table'));
    return { message: `INSERT ${rows}`, rowsAffected: rows, detail: { load: 'reload', normalized: seed.normalized } };
  }

  const built = await swapInTable(context, async (temp) => {
    if (seed.complete) return { message: 'COPY', rowsAffected: await createAndCopy(context, seed, temp, copyInto) };
    // The types come from the part of the file read so far; should the rest call for
    // others, go back to before the table existed and load again with the whole file's.
    await context.run(`savepoint ${SAVEPOINT}`);
    try {
      const rows = await createAndCopy(context, seed, temp, copyInto);
      await context.run(`release savepoint ${SAVEPOINT}`);
      return { message: 'COPY', rowsAffected: rows };
    } catch (error) {
      if (!(error instanceof SeedTypesChanged)) throw error;
      await context.run(`rollback to savepoint ${SAVEPOINT}`);
      seed.readAll();
      return { message: 'COPY', rowsAffected: await createAndCopy(context, seed, temp, copyInto) };
    }
  });
  const rows = built.rowsAffected ?? 0;
  // dbt reports CREATE for a full refresh and INSERT otherwise, even for a first load.
  return { message: `${context.fullRefresh ? 'CREATE' : 'INSERT'} ${rows}`, rowsAffected: rows, detail: { load: 'create', normalized: seed.normalized } };
}

type CopyInto = (table: string, types: readonly string[] | null, into: 'new table' | 'existing table') => Promise<number>;

async function createAndCopy(context: MaterializationContext, seed: SeedFile, temp: RelationName, copyInto: CopyInto): Promise<number> {
  const columns = seed.columns;
  try {
    await context.run(createTable(temp, columns));
  } catch (error) {
    // A misspelt column_types type only shows when Postgres reads it.
    if (columns.some((column) => column.declared) && error instanceof StatementError && (error.sqlState === '42704' || error.sqlState === '42601')) {
      throw new KpiError('KPI_CONFIG_INVALID', `column_types of seed '${context.node.name}': ${error.message}`, {
        node: context.node.unique_id,
        location: { file: seed.file },
        hint: 'use a type Postgres knows, e.g. text, integer, numeric(12,2), date, timestamp',
        cause: error,
      });
    }
    throw error;
  }
  return copyInto(q(temp), seed.complete ? null : columns.map((column) => column.type), 'new table');
}

async function assertSameColumns(context: MaterializationContext, seed: SeedFile, columns: readonly string[]): Promise<void> {
  const current = await columnNames(context.connection, context.target);
  const added = columns.filter((name) => !current.includes(name));
  const removed = current.filter((name) => !columns.includes(name));
  if (added.length === 0 && removed.length === 0) return;
  const list = (names: string[]) => names.map((name) => JSON.stringify(name)).join(', ');
  const changes = [added.length > 0 ? `new ${list(added)}` : '', removed.length > 0 ? `gone ${list(removed)}` : ''].filter(Boolean).join('; ');
  throw new KpiError('KPI_SCHEMA_CHANGE', `the columns of the seed changed since ${context.target.schema}.${context.target.identifier} was built (${changes})`, {
    node: context.node.unique_id,
    location: { file: seed.file },
    hint: `run kpi seed --full-refresh --select ${context.node.name} to rebuild the table with the new columns`,
  });
}

async function reload(context: MaterializationContext, columns: readonly string[], copy: () => Promise<number>): Promise<number> {
  const { target, connection, node } = context;
  let rows = 0;
  await runHooks(context, 'pre_hook', false);
  await inTransaction(connection, async () => {
    await runHooks(context, 'pre_hook', true);
    await context.run(truncateTable(target));
    rows = await copy();
    // As after a swap: the refilled table's statistics would describe the old rows.
    await analyzeForPlanner(context, q(target));
    await runAll(context, docsAndGrants(node, target, 'table', columns));
    await runHooks(context, 'post_hook', true);
  });
  await runHooks(context, 'post_hook', false);
  return rows;
}
