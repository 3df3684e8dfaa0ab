/**
 * The statements an incremental run issues besides the strategy's DML, as pure functions
 * so they read (and test) as text. Names go through quoteIdentifier; column types come
 * from Postgres's own format_type, so they are valid DDL as they are.
 */
import { quoteIdentifier } from '../../adapters/quote.js';
import type { IndexConfig } from '../../manifest/types.js';
import { createIndex, q, type RelationName } from '../ddl.js';
import type { RelationColumn, TypeChange } from './diff-columns.js';

/** The staging table as SQL: temporary tables live in the session's own pg_temp schema. */
export function stagingRelation(identifier: string): string {
  return `pg_temp.${quoteIdentifier(identifier)}`;
}

/**
 * The new rows, staged on the node's connection. `on commit drop` ties the table to the
 * transaction that applies it: committed or rolled back, nothing is left behind on a
 * pooled connection.
 */
export function createStagingTable(identifier: string, sql: string): string {
  return `create temporary table ${quoteIdentifier(identifier)} on commit drop as (\n${sql}\n)`;
}

/** One ALTER TABLE for every change, so a table with several retyped columns is rewritten once. */
export function alterTableColumns(relation: RelationName, change: { add: readonly RelationColumn[]; drop: readonly string[]; retype: readonly TypeChange[] }): string | null {
  const actions = [
    ...change.add.map((column) => `add column ${quoteIdentifier(column.name)} ${column.type}`),
    ...change.drop.map((name) => `drop column ${quoteIdentifier(name)}`),
    ...change.retype.map((typeChange) => `alter column ${quoteIdentifier(typeChange.name)} type ${typeChange.to} using ${quoteIdentifier(typeChange.name)}::${typeChange.to}`),
  ];
  if (actions.length === 0) return null;
  return `alter table ${q(relation)}\n  ${actions.join(',\n  ')}`;
}

export function revoke(relation: RelationName, privilege: string, grantee: string): string {
  const safePrivilege = privilege.replace(/[^a-z ]/gi, '');
  const from = grantee.toLowerCase() === 'public' ? 'public' : quoteIdentifier(grantee);
  return `revoke ${safePrivilege} on ${q(relation)} from ${from}`;
}

/** An index the config asks for that the table does not have yet (added to the config after the build). */
export function createIndexIfMissing(relation: RelationName, index: IndexConfig, name: string): string {
  return createIndex(relation, index, name).replace(`index ${quoteIdentifier(name)} on`, `index if not exists ${quoteIdentifier(name)} on`);
}
