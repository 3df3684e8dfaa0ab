import { inTransaction } from '../../adapters/adapter.js';
import { relationColumns } from '../../adapters/catalog.js';
import { KpiError } from '../../errors.js';
import { resolveSnapshotConfig, type SnapshotConfig } from '../../project/snapshots/snapshot-config.js';
import { stagingRelation } from '../incremental/incremental-ddl.js';
import { responseMessage, type MaterializationContext, type MaterializationResult } from '../materialization.js';
import { resultsOf, runSteps } from '../run-steps.js';
import { checkSnapshotColumns, firstSnapshotSteps, laterSnapshotSteps, planSnapshot, type SnapshotFacts } from './snapshot-plan.js';
import { duplicateKeyQuery } from './snapshot-sql.js';

/** The node's snapshot config; parsing already refused a bad one, so a problem here is reported as the same error. */
export function snapshotConfigOf(context: Pick<MaterializationContext, 'node'>): SnapshotConfig {
  const { config, problems } = resolveSnapshotConfig(context.node.config);
  if (!config) throw new KpiError('KPI_SNAPSHOT_INVALID', `snapshot '${context.node.name}' ${problems[0].message}`, { node: context.node.unique_id, hint: problems[0].hint });
  return config;
}

/**
 * Runs `planSnapshot`: stage the query's rows, read their columns and the table's, check
 * the key is unique and present, then build the table (first run) or apply the changes,
 * all in one transaction.
 */
export async function materializeSnapshot(context: MaterializationContext): Promise<MaterializationResult> {
  const { node, connection, target } = context;
  const facts: SnapshotFacts = { node, config: snapshotConfigOf(context), target, existing: context.existing, sql: context.sql };
  const plan = planSnapshot(facts);
  await runSteps(context, plan.before);
  const outcome = await inTransaction(connection, async () => {
    await runSteps(context, plan.stage);
    const staged = {
      source: await relationColumns(connection, { schema: 'pg_temp', identifier: plan.staging }),
      existing: facts.existing === 'table' ? await relationColumns(connection, target) : null,
    };
    checkSnapshotColumns(facts, staged);
    await checkUniqueKey(context, facts, stagingRelation(plan.staging));
    const first = staged.existing === null;
    const outcomes = await runSteps(context, first ? firstSnapshotSteps(facts, staged) : laterSnapshotSteps(facts, staged));
    const results = resultsOf(outcomes, first ? 'build' : 'apply');
    const last = results[results.length - 1];
    const closed = first ? 0 : (results[0]?.rowCount ?? 0);
    return { message: responseMessage(last, first ? 'SELECT' : 'INSERT 0'), rowsAffected: last?.rowCount ?? null, first, closed };
  });
  await runSteps(context, plan.after);
  return { message: outcome.message, rowsAffected: outcome.rowsAffected, detail: { mode: outcome.first ? 'create' : 'snapshot', closed: outcome.closed, inserted: outcome.rowsAffected } };
}

/** A source row per key, each with a key: else the history would fork. Refused, naming the key, before anything is written. */
async function checkUniqueKey(context: MaterializationContext, facts: SnapshotFacts, staging: string): Promise<void> {
  const { node, config } = facts;
  const result = await context.run(duplicateKeyQuery(staging, config));
  if (result.rows.length === 0) return;
  const keyName = config.uniqueKey.length === 1 ? config.uniqueKey[0] : `(${config.uniqueKey.join(', ')})`;
  const describe = (row: Record<string, unknown>) => {
    const values = config.uniqueKey.map((_, index) => row[`dbt_unique_key_${index + 1}`]);
    const shown = values.map((value) => (value === null || value === undefined ? 'null' : String(value)));
    return `${config.uniqueKey.length === 1 ? shown[0] : `(${shown.join(', ')})`} (${String(row.row_count)} row${Number(row.row_count) === 1 ? '' : 's'})`;
  };
  const rows = result.rows as Array<Record<string, unknown>>;
  const nullKey = rows.some((row) => config.uniqueKey.some((_, index) => row[`dbt_unique_key_${index + 1}`] === null));
  throw new KpiError(
    'KPI_SNAPSHOT_DUPLICATE_KEY',
    `snapshot '${node.name}': the unique_key ${keyName} is not unique${nullKey ? ' or is null' : ''} in the snapshot's query: ${rows.map(describe).join(', ')}`,
    {
      node: node.unique_id,
      location: { file: node.original_file_path },
      hint: 'the snapshot table was left as it was; make the key unique (and not null) in the query, or choose a key that is',
    },
  );
}
