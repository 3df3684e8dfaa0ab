/**
 * The Postgres DDL kpi issues, as pure functions of names and SQL, so every statement a
 * materialization runs can be read (and tested) as text.
 */
import { createHash } from 'node:crypto';
import { qualified, quoteIdentifier, quoteLiteral } from '../adapters/quote.js';
import type { IndexConfig } from '../manifest/types.js';

export interface RelationName {
  schema: string;
  identifier: string;
}

export const q = (relation: RelationName): string => qualified(relation.schema, relation.identifier);

/** Postgres truncates identifiers to 63 bytes; keep suffixed names distinct by hashing instead. */
export function suffixed(identifier: string, suffix: string): string {
  const name = `${identifier}${suffix}`;
  if (Buffer.byteLength(name) <= 63) return name;
  const hash = createHash('md5').update(identifier).digest('hex').slice(0, 8);
  return `${identifier.slice(0, 63 - suffix.length - 9)}_${hash}${suffix}`;
}

export function createSchema(schema: string): string {
  return `create schema if not exists ${quoteIdentifier(schema)}`;
}

export function createTableAs(relation: RelationName, sql: string, options: { unlogged?: boolean; temporary?: boolean } = {}): string {
  const kind = options.temporary ? 'temporary table' : options.unlogged ? 'unlogged table' : 'table';
  const name = options.temporary ? quoteIdentifier(relation.identifier) : q(relation);
  return `create ${kind} ${name}\nas (\n${sql}\n)`;
}

export function createView(relation: RelationName, sql: string, orReplace = false): string {
  return `create ${orReplace ? 'or replace ' : ''}view ${q(relation)} as (\n${sql}\n)`;
}

export function dropRelation(relation: RelationName, kind: 'table' | 'view' | 'materialized view'): string {
  return `drop ${kind} if exists ${q(relation)}`;
}

export function renameRelation(relation: RelationName, kind: 'table' | 'view' | 'materialized view', newIdentifier: string): string {
  return `alter ${kind} ${q(relation)} rename to ${quoteIdentifier(newIdentifier)}`;
}

/** A stable name for an index: the same config on the same table always gets the same name. */
export function indexName(table: string, index: IndexConfig): string {
  const key = JSON.stringify([index.columns, Boolean(index.unique), index.type ?? 'btree']);
  const hash = createHash('md5').update(key).digest('hex').slice(0, 10);
  return suffixed(table, `__${hash}_idx`);
}

export function createIndex(relation: RelationName, index: IndexConfig, name: string): string {
  const method = index.type ? ` using ${index.type.replace(/[^a-z_]/gi, '')}` : '';
  const columns = index.columns.map((column) => (/^[a-z_][a-z0-9_]*$/.test(column) ? quoteIdentifier(column) : column)).join(', ');
  return `create ${index.unique ? 'unique ' : ''}index ${quoteIdentifier(name)} on ${q(relation)}${method} (${columns})`;
}

export function renameIndex(schema: string, from: string, to: string): string {
  return `alter index ${qualified(schema, from)} rename to ${quoteIdentifier(to)}`;
}

export function commentOnRelation(relation: RelationName, kind: 'table' | 'view' | 'materialized view', comment: string): string {
  return `comment on ${kind} ${q(relation)} is ${quoteLiteral(comment)}`;
}

export function commentOnColumn(relation: RelationName, column: string, comment: string): string {
  return `comment on column ${q(relation)}.${quoteIdentifier(column)} is ${quoteLiteral(comment)}`;
}

export function grant(relation: RelationName, privilege: string, grantee: string): string {
  const safePrivilege = privilege.replace(/[^a-z ]/gi, '');
  // PUBLIC is a keyword, not a role: quoted, it would name a role called "public".
  const to = grantee.toLowerCase() === 'public' ? 'public' : quoteIdentifier(grantee);
  return `grant ${safePrivilege} on ${q(relation)} to ${to}`;
}

export interface ColumnDefinition {
  name: string;
  type: string;
}

/** `type` is inserted as written: callers pass only names checked to be type names (seeds/seed-options.ts). */
export function createTable(relation: RelationName, columns: readonly ColumnDefinition[]): string {
  return `create table ${q(relation)} (\n${columns.map((column) => `  ${quoteIdentifier(column.name)} ${column.type}`).join(',\n')}\n)`;
}

export function truncateTable(relation: RelationName): string {
  return `truncate table ${q(relation)}`;
}
