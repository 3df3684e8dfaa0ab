/**
 * config `parallel_parts: N`: a model's table built from N connections at once on a Postgres
 * server. Postgres runs a query's window functions in one process whatever its parallel
 * query settings, so a model whose rows fall into independent groups (the KPI mart's series)
 * can only use more cores as several statements. The model keeps its rows' part with
 * `parallel_part(key)` (template/parallel-part.ts); every part inserts into the same new
 * table, then the swap goes on as for one statement (table.ts). Only full builds (a table,
 * an incremental model's first run or full refresh); an increment is one statement. On the
 * embedded database and on Citus (which runs a distributed table's shards in parallel by
 * itself) the build is one statement, and the condition keeps every row.
 */
import type { QueryResult } from '../adapters/adapter.js';
import { KpiError } from '../errors.js';
import type { ManifestNode } from '../manifest/types.js';
import { PARALLEL_PART_SETTING, PARALLEL_PARTS_SETTING } from '../template/parallel-part.js';
import { createContractedTable } from './contract-ddl.js';
import { createTableAs, dropRelation, q, type RelationName } from './ddl.js';
import type { MaterializationContext } from './materialization.js';
import { runHooks } from './relation-extras.js';
import { runSteps, type StepOutcome } from './run-steps.js';
import { sqlHeaderSteps, statement } from './step.js';

const MAX_PARTS = 64;

/** The node's `parallel_parts` (1 when unset), checked. */
export function resolveParallelParts(node: ManifestNode): number {
  const parts = node.config.parallel_parts;
  if (parts === undefined || parts === null) return 1;
  if (typeof parts !== 'number' || !Number.isInteger(parts) || parts < 1 || parts > MAX_PARTS) {
    throw new KpiError('KPI_CONFIG_INVALID', `${node.resource_type} '${node.name}': parallel_parts must be a whole number from 1 to ${MAX_PARTS}, got ${JSON.stringify(parts)}`, {
      node: node.unique_id,
      location: { file: node.original_file_path },
      hint: "parallel_parts: 2, with {{ parallel_part('<integer key>') }} in the model's SQL",
    });
  }
  return parts;
}

/** How many parts this build runs in: 1 where the database cannot run them at once. */
export function partsOf(context: MaterializationContext): number {
  const parts = resolveParallelParts(context.node);
  return context.withExtraConnection ? parts : 1;
}

/** The new table's statements: made empty, then filled by each part; constraints after the rows, in the swap's transaction. */
export function partedTable(context: Pick<MaterializationContext, 'node' | 'sql'>, temp: RelationName): { create: string; insert: string; constraints: string | null } {
  const unlogged = Boolean(context.node.config.unlogged);
  if (context.node.contract?.enforced) {
    const { create, constraints, select } = createContractedTable(temp, context.node, context.sql, { unlogged });
    return { create: `${create}\nwith no data`, insert: `insert into ${q(temp)}\n${select}`, constraints };
  }
  return { create: `${createTableAs(temp, context.sql, { unlogged })}\nwith no data`, insert: `insert into ${q(temp)}\nselect * from (\n${context.sql}\n) as model_subq`, constraints: null };
}

/**
 * Fill `temp` in `parts` parts at once. The empty table is committed first, so every part's
 * connection sees it; the parts then read ONE snapshot (exported by the node's own
 * transaction, which runs part 0), as a single statement would. Each part's transaction runs
 * the model's in-transaction pre-hooks and its sql_header before its insert. Any failure
 * rolls back what it can, drops the new table (parts that finished committed their rows into
 * it) and is reported; the model's table is untouched. Returns the insert as the build's outcome.
 */
export async function fillInParts(context: MaterializationContext, temp: RelationName, parts: number): Promise<StepOutcome[]> {
  const { create, insert } = partedTable(context, temp);
  const extra = context.withExtraConnection;
  if (!extra) throw new Error('a build in parts needs a second connection');
  await context.run('begin');
  try {
    await runSteps(context, [...sqlHeaderSteps(context.node), statement(create)]);
    await context.run('commit');
  } catch (error) {
    await context.run('rollback').catch(() => undefined);
    throw error;
  }
  try {
    await context.run('begin isolation level repeatable read');
    try {
      const snapshot = String((await context.run('select pg_export_snapshot() as snapshot')).rows[0]?.snapshot);
      const settled = await Promise.allSettled(
        Array.from({ length: parts }, (_, part) =>
          part === 0
            ? fillPart(context, context, insert, parts, part)
            : extra(async (other) => {
                await other.run('begin isolation level repeatable read');
                try {
                  await other.run(`set transaction snapshot '${snapshot.replace(/'/g, "''")}'`);
                  const result = await fillPart(context, other, insert, parts, part);
                  await other.run('commit');
                  return result;
                } catch (error) {
                  await other.run('rollback').catch(() => undefined);
                  throw error;
                }
              }),
        ),
      );
      const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      await context.run('commit');
      const rows = settled.reduce((total, outcome) => total + ((outcome as PromiseFulfilledResult<QueryResult>).value.rowCount ?? 0), 0);
      return [{ step: statement(insert, 'build'), result: { rows: [], fields: [], command: 'SELECT', rowCount: rows }, rows: null }];
    } catch (error) {
      await context.run('rollback').catch(() => undefined);
      throw error;
    }
  } catch (error) {
    await context.run(dropRelation(temp, 'table')).catch(() => undefined);
    throw error;
  }
}

/** One part's statements, in the transaction its connection has open. */
async function fillPart(context: MaterializationContext, on: Pick<MaterializationContext, 'run'>, insert: string, parts: number, part: number): Promise<QueryResult> {
  const runner = { node: context.node, renderHook: context.renderHook, run: on.run };
  await runHooks(runner, 'pre_hook', true);
  await on.run(`select set_config('${PARALLEL_PARTS_SETTING}', '${parts}', true), set_config('${PARALLEL_PART_SETTING}', '${part}', true)`);
  await runSteps(runner, sqlHeaderSteps(context.node));
  return on.run(insert);
}
