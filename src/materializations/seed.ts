import { inTransaction } from '../adapters/adapter.js';
import { referencingForeignKeys, relationColumns } from '../adapters/catalog.js';
import { brokenForeignKeysError } from './dependent-views.js';
import { quoteIdentifier } from '../adapters/quote.js';
import { StatementError } from '../adapters/statement-error.js';
import { KpiError } from '../errors.js';
import { seedCopyError } from '../seeds/copy-error.js';
import { SeedTypesChanged, type SeedFile } from '../seeds/seed-file.js';
import { type MaterializationContext, type MaterializationResult } from './materialization.js';
import { runSteps, type StepHandlers, type StepOutcome } from './run-steps.js';
import { checkSeedColumns, checkSeedTarget, planReferencedSeedReload, planSeedReload, seedFillSteps, seedRetrySteps, type SeedFacts } from './seed-plan.js';
import type { Step } from './step.js';
import { swapInTable } from './table.js';
import { swapNames } from './table-swap-plan.js';
import type { RelationName } from './ddl.js';
import { prepareCitusTransaction, distributeTable, distributionOn, keepsDistribution } from './distribution.js';

/**
 * Load a seed's CSV into its table, all or nothing, with COPY.
 *
 * - No table yet, or a full refresh: create the new table beside the old one, COPY into
 *   it, and swap it in (`swapInTable`: dependent views are kept).
 * - A table with the same columns: truncate and COPY in one transaction (`planSeedReload`).
 * - A table whose columns differ from the CSV's: an error asking for --full-refresh.
 *
 * The file may still be being read while COPY runs (see `SeedFile`). Every failure (a bad
 * record found late, a value COPY refuses, a hook, a view that would break) rolls back:
 * the previous table stays as it was, readable throughout.
 */
export async function materializeSeed(context: MaterializationContext, seed: SeedFile): Promise<MaterializationResult> {
  const { node, target, existing, connection } = context;
  const facts: SeedFacts = { node, target, file: seed.file, header: seed.header.map((column) => column.name), existing };
  checkSeedTarget(facts);

  const distribution = distributionOn(context.citus, node);
  // A table Citus holds otherwise than the config now says is rebuilt (below), not refilled.
  if (existing === 'table' && !context.fullRefresh && (await keepsDistribution(context, distribution))) {
    const current = await relationColumns(connection, target, { listing: 'standard' });
    checkSeedColumns(facts, current);
    const referencing = await referencingForeignKeys(connection, target);
    const copying = copyHandlers(context, seed, 'existing table');
    const handlers: StepHandlers = {
      ...copying,
      failure: (step, error) => (step.kind === 'sql' && step.role === 'restore-foreign-keys' ? brokenForeignKeysError(context, referencing, error) : copying.failure?.(step, error)),
    };
    // json has no equality, so such a seed cannot be compared: it is reloaded. So is a
    // distributed or reference seed on Citus: the comparison reads a temporary table, which
    // only the coordinator's own session sees, and a transaction that has run there cannot
    // then add the keys back over connections.
    if (referencing.length > 0 && distribution === null && !current.some((column) => column.dataType === 'json')) {
      const plan = planReferencedSeedReload(facts, current, referencing);
      await runSteps(context, plan.before);
      const { rows, changed } = await inTransaction(connection, async () => {
        const staged = copiedRows(await runSteps(context, plan.stage, handlers));
        const differs = Boolean((await context.run(plan.compare)).rows[0]?.changed);
        await runSteps(context, differs ? plan.refill : plan.unchanged, handlers);
        return { rows: staged, changed: differs };
      });
      await runSteps(context, plan.after);
      return { message: `INSERT ${rows}`, rowsAffected: rows, detail: { load: changed ? 'reload' : 'unchanged', normalized: seed.normalized } };
    }
    const plan = planSeedReload(facts, current, referencing);
    await runSteps(context, plan.before);
    const outcomes = await inTransaction(connection, async () => {
      await prepareCitusTransaction(context);
      return runSteps(context, plan.transaction, handlers);
    });
    await runSteps(context, plan.after);
    const rows = copiedRows(outcomes);
    return { message: `INSERT ${rows}`, rowsAffected: rows, detail: { load: 'reload', normalized: seed.normalized } };
  }

  const handlers = copyHandlers(context, seed, 'new table');
  const streaming = !seed.complete;
  const fill = async (steps: readonly Step[]): Promise<StepOutcome[]> => {
    try {
      return await runSteps(context, steps, handlers);
    } catch (error) {
      // The types came from the part of the file read so far, and the rest calls for others.
      if (!(error instanceof SeedTypesChanged) || !streaming) throw error;
      seed.readAll();
      return runSteps(context, seedRetrySteps(swapNames(target).temp, seed.columns, distribute(swapNames(target).temp)), handlers);
    }
  };
  const distribute = (temp: RelationName): string | null => (distribution ? distributeTable(temp, distribution, target) : null);
  const outcomes = await swapInTable(context, (temp) => seedFillSteps(temp, seed.columns, { savepoint: streaming, distribute: distribute(temp) }), { runBuild: fill });
  const rows = copiedRows(outcomes);
  // dbt reports CREATE for a full refresh and INSERT otherwise, even for a first load.
  return { message: `${context.fullRefresh ? 'CREATE' : 'INSERT'} ${rows}`, rowsAffected: rows, detail: { load: 'create', normalized: seed.normalized } };
}

function copiedRows(outcomes: readonly StepOutcome[]): number {
  return outcomes.reduce((rows, outcome) => (outcome.step.kind === 'copy' ? (outcome.rows ?? 0) : rows), 0);
}

/** COPY from the seed's file, its errors the seed's; a misspelt column_types type named as such. */
function copyHandlers(context: MaterializationContext, seed: SeedFile, into: 'new table' | 'existing table'): StepHandlers {
  return {
    copy: async (step) => {
      // A new table made while the file is still being read has the types read so far: COPY stops should the rest need others.
      const types = into === 'new table' && !seed.complete ? seed.columns.map((column) => column.type) : null;
      try {
        return await context.connection.copyFromCsv(step.table, step.columns.map(quoteIdentifier), seed.data(types), { delimiter: seed.options.delimiter });
      } catch (error) {
        // Problems the file reader found are already the seed's errors; the rest are Postgres's.
        if (error instanceof KpiError || error instanceof SeedTypesChanged) throw error;
        throw seedCopyError(error, seed, into);
      }
    },
    failure: (step, error) => {
      const declared = seed.columns.some((column) => column.declared);
      if (step.kind !== 'sql' || step.role !== 'seed-table' || !declared || !(error instanceof StatementError)) return undefined;
      if (error.sqlState !== '42704' && error.sqlState !== '42601') return undefined;
      return new KpiError('KPI_CONFIG_INVALID', `column_types of seed '${context.node.name}': ${error.message}`, {
        node: context.node.unique_id,
        location: { file: seed.file },
        hint: 'use a type Postgres knows, e.g. text, integer, numeric(12,2), date, timestamp',
        cause: error,
      });
    },
  };
}
