import type { Connection, QueryResult } from '../adapters/adapter.js';
import type { ExistingType } from '../adapters/catalog.js';
import { scriptRunner, statementRunner } from '../adapters/statement-error.js';
import { renderHookSql, type NodeCompileOptions } from '../compile/compile-node.js';
import type { ManifestNode } from '../manifest/types.js';
import type { MaterializationContext } from '../materializations/materialization.js';
import { KpiError } from '../errors.js';
import { type RunContext } from './run-context.js';
import { yieldToEventLoop } from '../support/yield-to-event-loop.js';

/** A compiled SELECT, ready to wrap in DDL: no trailing semicolon. */
export function asSubquery(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/** Where a node's relation lives. */
export function nodeTarget(node: ManifestNode): { schema: string; identifier: string } {
  return { schema: node.schema, identifier: node.alias };
}

export interface MaterializationInput {
  /** The run: its compile session, and its signal (Ctrl-C). */
  context: RunContext;
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

/** A materialization's statements, each recorded and each refused once the run is interrupted. */
function guarded(run: (sql: string) => Promise<QueryResult>, input: MaterializationInput): (sql: string) => Promise<QueryResult> {
  const { signal } = input.context;
  if (!input.onStatement && !signal) return run;
  return async (sql) => {
    if (signal) await yieldToEventLoop();
    // Once the run is interrupted the next statement throws instead of running, so the node's transaction rolls back.
    if (signal?.aborted) throw interrupted();
    input.onStatement?.(sql);
    return run(sql);
  };
}

/** A script of statements, each recorded as `guarded` records one, refused as a whole once the run is interrupted. */
function guardedScript(runScript: (statements: readonly string[]) => Promise<void>, input: MaterializationInput): (statements: readonly string[]) => Promise<void> {
  const { signal } = input.context;
  return async (statements) => {
    if (signal) await yieldToEventLoop();
    if (signal?.aborted) throw interrupted();
    for (const sql of statements) input.onStatement?.(sql);
    await runScript(statements);
  };
}

/** What a node that an interrupt stopped reports. */
export function interrupted(): KpiError {
  return new KpiError('KPI_INTERRUPTED', 'cancelled: the run was interrupted');
}

/** What every executor hands a materialization: built in one place so they all see the same thing. */
export function materializationContext(input: MaterializationInput): MaterializationContext {
  const { node, connection } = input;
  const { session, adapter } = input.context;
  const citus = adapter.capabilities.citus;
  const extraConnection = citus ? undefined : adapter.withExtraConnection?.bind(adapter);
  const withExtraConnection = extraConnection
    ? <T>(fn: (extra: Pick<MaterializationContext, 'connection' | 'run'>) => Promise<T>) =>
        extraConnection((extra) => fn({ connection: extra, run: guarded(statementRunner(extra), input) }), `${node.unique_id} (a part)`)
    : undefined;
  return {
    node,
    sql: asSubquery(input.compiled ?? ''),
    connection,
    target: nodeTarget(node),
    existing: input.existing,
    fullRefresh: input.fullRefresh ?? session.fullRefresh,
    citus,
    run: guarded(statementRunner(connection), input),
    // Citus propagates DDL to its workers statement by statement: there each goes alone.
    ...(citus ? {} : { runScript: guardedScript(scriptRunner(connection), input) }),
    renderHook: (hook) => renderHookSql(session, node, hook.sql, connection, input.hooks ?? {}),
    ...(withExtraConnection ? { withExtraConnection } : {}),
  };
}
