import type { Connection, QueryResult } from '../adapters/adapter.js';
import type { ExistingType } from '../adapters/catalog.js';
import { statementRunner } from '../adapters/statement-error.js';
import { renderHookSql, type CompileSession, type NodeCompileOptions } from '../compile/compile-node.js';
import type { ManifestNode } from '../manifest/types.js';
import type { MaterializationContext } from '../materializations/materialization.js';

/** A compiled SELECT, ready to wrap in DDL: no trailing semicolon. */
export function asSubquery(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/** Where a node's relation lives. */
export function nodeTarget(node: ManifestNode): { schema: string; identifier: string } {
  return { schema: node.schema, identifier: node.alias };
}

export interface MaterializationInput {
  session: CompileSession;
  node: ManifestNode;
  connection: Connection;
  existing: ExistingType | null;
  /** The node's compiled SQL; a seed has none. */
  compiled?: string;
  /** The invocation's --full-refresh unless given (seeds apply their own `full_refresh` config). */
  fullRefresh?: boolean;
  /** How hooks render: they see the node's is_incremental(), as in dbt. */
  hooks?: Omit<NodeCompileOptions, 'connection'>;
  /** Sees every statement before it runs (statement-log.ts). */
  onStatement?: (sql: string) => void;
}

function recorded(run: (sql: string) => Promise<QueryResult>, onStatement: (sql: string) => void): (sql: string) => Promise<QueryResult> {
  return (sql) => {
    onStatement(sql);
    return run(sql);
  };
}

/** What every executor hands a materialization: built in one place so they all see the same thing. */
export function materializationContext(input: MaterializationInput): MaterializationContext {
  const { session, node, connection } = input;
  return {
    node,
    sql: asSubquery(input.compiled ?? ''),
    connection,
    target: nodeTarget(node),
    existing: input.existing,
    fullRefresh: input.fullRefresh ?? session.fullRefresh,
    run: input.onStatement ? recorded(statementRunner(connection), input.onStatement) : statementRunner(connection),
    renderHook: (hook) => renderHookSql(session, node, hook.sql, connection, input.hooks ?? {}),
  };
}
