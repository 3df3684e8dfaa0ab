import type { ManifestNode } from '../manifest/types.js';
import { splitStatements } from './split-statements.js';

/**
 * Why a statement runs, where its executor needs to know: the result of `build` and `apply`
 * statements is the node's response, and a failed `restore-views`, `restore-foreign-keys` or `seed-table` statement
 * is reported as what it means (a view the change breaks, rows another table's foreign key
 * no longer finds, a misspelt column type).
 */
export type StepRole = 'build' | 'apply' | 'restore-views' | 'restore-foreign-keys' | 'seed-table';

/**
 * One step of a DDL plan. Plans are pure functions of catalog facts and node config; an
 * executor (`runSteps`) runs their steps in order. Hooks are steps too: they render when
 * they run, since a hook's `run_query` sees what the statements before it did.
 */
export type Step =
  | { kind: 'sql'; sql: string; role?: StepRole }
  | { kind: 'hooks'; hook: 'pre_hook' | 'post_hook'; inTransaction: boolean }
  /** COPY of the seed's CSV records into `table` (SQL), `columns` in the file's order. */
  | { kind: 'copy'; table: string; columns: readonly string[] };

export type CopyStep = Extract<Step, { kind: 'copy' }>;

export function statement(sql: string, role?: StepRole): Step {
  return role ? { kind: 'sql', sql, role } : { kind: 'sql', sql };
}

export function statements(sqls: readonly string[], role?: StepRole): Step[] {
  return sqls.map((sql) => statement(sql, role));
}

/** The node's hooks of one kind that run inside (or outside) the transaction, as one step; none when it has none. */
export function hookStep(node: ManifestNode, hook: 'pre_hook' | 'post_hook', inTransaction: boolean): Step[] {
  return node.config[hook].some((config) => config.transaction === inTransaction) ? [{ kind: 'hooks', hook, inTransaction }] : [];
}

/** What runs before, inside and after one transaction. */
export interface TransactionPlan {
  before: Step[];
  transaction: Step[];
  after: Step[];
}

/**
 * The node's `sql_header` (dbt's `set_sql_header`): statements that run just before the one
 * that creates the relation, in its transaction, as dbt puts the header before that statement.
 */
export function sqlHeaderSteps(node: ManifestNode): Step[] {
  const header = node.config.sql_header;
  return typeof header === 'string' ? statements(splitStatements(header)) : [];
}
