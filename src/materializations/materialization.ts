import type { Connection, QueryResult } from '../adapters/adapter.js';
import type { HookConfig, ManifestNode } from '../manifest/types.js';
import type { ExistingType } from '../adapters/catalog.js';
import type { RelationName } from './ddl.js';

/** What a materialization gets to build one node. */
export interface MaterializationContext {
  node: ManifestNode;
  /** The node's compiled SELECT. */
  sql: string;
  connection: Connection;
  target: RelationName;
  existing: ExistingType | null;
  fullRefresh: boolean;
  /** The target is a Citus coordinator: tables are distributed as the node's configs say (distribution.ts). */
  citus: boolean;
  /** Run one statement on the node's connection; errors name the node and statement. */
  run(sql: string): Promise<QueryResult>;
  /**
   * Run statements inside the node's open transaction in one round trip (each recorded and
   * logged as `run` records it); their results are not returned. Absent where they must go
   * one by one (Citus); `runSteps` then runs them with `run`.
   */
  runScript?(statements: readonly string[]): Promise<void>;
  /** Render a hook's SQL in the node's context. */
  renderHook(hook: HookConfig): Promise<string>;
  /**
   * Work on another connection to the same database at the same time (a build in parts,
   * parallel-build.ts), its statements run and reported as the node's own are. Absent where
   * statements cannot run at the same time (the embedded database) and on Citus.
   */
  withExtraConnection?<T>(fn: (extra: Pick<MaterializationContext, 'connection' | 'run'>) => Promise<T>): Promise<T>;
}

export interface MaterializationResult {
  /** dbt's adapter response: `SELECT 120`, `CREATE VIEW`. */
  message: string;
  rowsAffected: number | null;
  /** For incremental models: more detail (strategy, batches). */
  detail?: Record<string, unknown>;
}

export type Materialize = (context: MaterializationContext) => Promise<MaterializationResult>;

export function responseMessage(result: QueryResult, fallback: string): string {
  if (result.command && result.rowCount !== null && result.rowCount !== undefined) return `${result.command} ${result.rowCount}`;
  return result.command ?? fallback;
}
