/**
 * The DML of each incremental strategy, as pure functions of names. The aliases follow
 * dbt's convention so `incremental_predicates` written for dbt work unchanged: the table
 * is DBT_INTERNAL_DEST, the staged rows DBT_INTERNAL_SOURCE.
 */
import { quoteIdentifier } from '../../adapters/quote.js';
import { q, type RelationName } from '../ddl.js';
import type { ApplyMethod } from './incremental-config.js';
import { stagingRelation } from './incremental-ddl.js';

export const DEST = 'DBT_INTERNAL_DEST';
export const SOURCE = 'DBT_INTERNAL_SOURCE';

export interface StrategyInput {
  target: RelationName;
  /** The staging table's identifier (a temporary table). */
  staging: string;
  /** The staging table as SQL, where it is not that temporary table (on Citus, a distributed one). */
  stagingSql?: string;
  /** The columns to write, as the table names them. */
  columns: readonly string[];
  uniqueKey: readonly string[];
  predicates: readonly string[];
  /** merge: the columns a matched row gets from the new one. */
  updateColumns: readonly string[];
}

const stagingOf = (input: StrategyInput): string => input.stagingSql ?? stagingRelation(input.staging);

const list = (names: readonly string[], alias?: string): string => names.map((name) => (alias ? `${alias}.${quoteIdentifier(name)}` : quoteIdentifier(name))).join(', ');

// Each predicate in parentheses: `a or b` must narrow the statement, not widen it.
const conditions = (predicates: readonly string[]): string[] => predicates.map((predicate) => `(${predicate})`);

export function appendSql(input: StrategyInput): string[] {
  return [`insert into ${q(input.target)} (${list(input.columns)})\nselect ${list(input.columns)}\nfrom ${stagingOf(input)}`];
}

/**
 * dbt's delete+insert: rows of the table whose key is among the new rows' keys go, then
 * every new row goes in. A key with a null never equals anything, so such rows are never
 * deleted and are inserted again each time (as in dbt).
 */
export function deleteInsertSql(input: StrategyInput): string[] {
  const keyMatch = `(${list(input.uniqueKey, DEST)}) in (\n  select ${list(input.uniqueKey, SOURCE)}\n  from ${stagingOf(input)} as ${SOURCE}\n)`;
  const where = [keyMatch, ...conditions(input.predicates)].join('\nand ');
  return [`delete from ${q(input.target)} as ${DEST}\nwhere ${where}`, ...appendSql(input)];
}

/**
 * Postgres MERGE (15+). Predicates narrow the match, as in dbt: a new row whose old
 * version they exclude is inserted beside it, not merged into it.
 */
export function mergeSql(input: StrategyInput): string[] {
  const on = [...conditions(input.predicates), ...input.uniqueKey.map((key) => `${SOURCE}.${quoteIdentifier(key)} = ${DEST}.${quoteIdentifier(key)}`)];
  const matched =
    input.updateColumns.length > 0
      ? `when matched then update set\n  ${input.updateColumns.map((column) => `${quoteIdentifier(column)} = ${SOURCE}.${quoteIdentifier(column)}`).join(',\n  ')}`
      : 'when matched then do nothing';
  return [
    [
      `merge into ${q(input.target)} as ${DEST}`,
      `using ${stagingOf(input)} as ${SOURCE}`,
      `on ${on.join('\nand ')}`,
      matched,
      `when not matched then insert (${list(input.columns)})`,
      `values (${list(input.columns, SOURCE)})`,
    ].join('\n'),
  ];
}

export function strategySql(method: ApplyMethod, input: StrategyInput): string[] {
  switch (method) {
    case 'append':
      return appendSql(input);
    case 'delete+insert':
      return deleteInsertSql(input);
    case 'merge':
      return mergeSql(input);
  }
}
