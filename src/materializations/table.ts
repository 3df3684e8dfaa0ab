import { inTransaction, serializeSwaps } from '../adapters/adapter.js';
import { dependentViews, referencingForeignKeys, relationColumns, relationConstraints } from '../adapters/catalog.js';
import { checkContract } from './contract-check.js';
import { createContractedTable } from './contract-ddl.js';
import { createTableAs, dropRelation, q, type RelationName } from './ddl.js';
import { fillInParts, partedTable, partsOf } from './parallel-build.js';
import { prepareCitusTransaction, distributeTable, distributionOn, type Distribution } from './distribution.js';
import { brokenForeignKeysError, brokenViewsError } from './dependent-views.js';
import { responseMessage, type MaterializationContext, type MaterializationResult } from './materialization.js';
import { resultsOf, runSteps, type StepOutcome } from './run-steps.js';
import { sqlHeaderSteps, statement, type Step } from './step.js';
import { afterSwapSteps, planTableSwap, swapSteps, type NewTableFacts } from './table-swap-plan.js';

export interface SwapOptions {
  /** Runs the build steps of a swap (seeds add their own retry); `runSteps` unless given. */
  runBuild?: (steps: readonly Step[]) => Promise<StepOutcome[]>;
  /**
   * Fills the new table before the swap's transaction, committed (a build in parts,
   * parallel-build.ts); the transaction's build steps then finish it, without the pre-hooks.
   * Should the transaction fail, the new table is dropped.
   */
  prefill?: (temp: RelationName) => Promise<StepOutcome[]>;
}

/**
 * Replace the target with a table (`planTableSwap`): build the new table beside the old one,
 * read what it became and what depends on the old one, then swap them in the same transaction.
 * Returns the build's outcomes.
 */
export async function swapInTable(context: MaterializationContext, build: (temp: RelationName) => Step[], options: SwapOptions = {}): Promise<StepOutcome[]> {
  const { connection, target, existing } = context;
  const facts = { node: context.node, target, existing, citus: context.citus };
  const plan = planTableSwap(facts, build, { preHooksRan: Boolean(options.prefill) });
  await runSteps(context, plan.before);
  const prefilled = options.prefill ? await options.prefill(plan.temp) : [];
  let newFacts: Pick<NewTableFacts, 'oldConstraints'> = {};
  const built = await inTransaction(connection, async () => {
    await prepareCitusTransaction(context);
    const outcomes = await (options.runBuild ?? ((steps) => runSteps(context, steps)))(plan.build);
    const columns = await relationColumns(connection, plan.temp);
    if (existing) await serializeSwaps(connection);
    const dependents = existing ? await dependentViews(connection, target) : [];
    const referencing = existing === 'table' ? await referencingForeignKeys(connection, target) : [];
    const constraints = context.node.contract?.enforced ? await relationConstraints(connection, plan.temp) : [];
    const oldConstraints = existing === 'table' ? await relationConstraints(connection, target) : [];
    newFacts = { oldConstraints };
    await runSteps(context, swapSteps(facts, { columns, dependents, referencing, constraints, oldConstraints }), {
      inTransaction: true,
      failure: (step, error) =>
        step.kind === 'sql' && step.role === 'restore-views'
          ? brokenViewsError(context, dependents, error)
          : step.kind === 'sql' && step.role === 'restore-foreign-keys'
            ? brokenForeignKeysError(context, referencing, error)
            : undefined,
    });
    return [...prefilled, ...outcomes];
  }).catch(async (error: unknown) => {
    if (options.prefill) await context.run(dropRelation(plan.temp, 'table')).catch(() => undefined);
    throw error;
  });
  await runSteps(context, afterSwapSteps(facts, newFacts));
  await runSteps(context, plan.after);
  return built;
}

/**
 * The steps that fill a model's new table: `CREATE TABLE AS` (the node's response), under
 * an enforced contract in the contract's column order and followed by its constraints
 * (`createContractedTable`; the foreign keys come at the end of the swap). On Citus, a
 * distributed or reference table is made empty, distributed, then filled by
 * `INSERT ... SELECT` (`distributedBuild`).
 */
export function modelTableBuild(context: Pick<MaterializationContext, 'node' | 'sql'> & Partial<Pick<MaterializationContext, 'target' | 'citus'>>): (temp: RelationName) => Step[] {
  const unlogged = Boolean(context.node.config.unlogged);
  const distribution = distributionOn(Boolean(context.citus), context.node);
  if (distribution) return (temp) => distributedBuild(context, temp, distribution, unlogged);
  if (!context.node.contract?.enforced) return (temp) => [...sqlHeaderSteps(context.node), statement(createTableAs(temp, context.sql, { unlogged }), 'build')];
  return (temp) => {
    const { create, constraints } = createContractedTable(temp, context.node, context.sql, { unlogged });
    return [...sqlHeaderSteps(context.node), statement(create, 'build'), ...(constraints ? [statement(constraints)] : [])];
  };
}

/**
 * A distributed model's new table: created empty with the columns `CREATE TABLE AS` would
 * give it (and the contract's constraints, which Citus then checks include the
 * distribution column), distributed while empty, then filled by `INSERT ... SELECT`, which
 * Citus runs on each shard where the model's SQL allows it. Distributing a filled table
 * instead would copy every row from the coordinator to the workers once more.
 */
function distributedBuild(
  context: Pick<MaterializationContext, 'node' | 'sql'> & Partial<Pick<MaterializationContext, 'target'>>,
  temp: RelationName,
  distribution: Distribution,
  unlogged: boolean,
): Step[] {
  const contracted = context.node.contract?.enforced ? createContractedTable(temp, context.node, context.sql, { unlogged }) : null;
  const create = contracted?.create ?? createTableAs(temp, context.sql, { unlogged });
  const select = contracted?.select ?? `select * from (\n${context.sql}\n) as model_subq`;
  return [
    ...sqlHeaderSteps(context.node),
    statement(`${create}\nwith no data`),
    ...(contracted?.constraints ? [statement(contracted.constraints)] : []),
    statement(distributeTable(temp, distribution, context.target ?? temp)),
    statement(`insert into ${q(temp)}\n${select}`, 'build'),
  ];
}

/**
 * `swapInTable` with the model's build (its contract checked first): the node's response is the
 * build statement's. With `parallel_parts` on a server, the new table is filled in parts first
 * (parallel-build.ts) and the transaction adds its constraints.
 */
export async function buildModelTable(context: MaterializationContext): Promise<MaterializationResult> {
  await checkContract(context);
  const parts = partsOf(context);
  const outcomes =
    parts > 1
      ? await swapInTable(
          context,
          (temp) => {
            const { constraints } = partedTable(context, temp);
            return constraints ? [statement(constraints)] : [];
          },
          { prefill: (temp) => fillInParts(context, temp, parts) },
        )
      : await swapInTable(context, modelTableBuild(context));
  const created = resultsOf(outcomes, 'build')[0];
  return { message: responseMessage(created, 'CREATE TABLE'), rowsAffected: created.rowCount };
}

export async function materializeTable(context: MaterializationContext): Promise<MaterializationResult> {
  return buildModelTable(context);
}
