import type { Connection, QueryResult } from '../adapters/adapter.js';
import type { HookConfig, ManifestNode } from '../manifest/types.js';
import type { RelationName } from './ddl.js';

export type ExistingType = 'table' | 'view' | 'materialized_view' | 'foreign_table';

/** What a materialization gets to build one node. */
export interface MaterializationContext {
  node: ManifestNode;
  /** The node's compiled SELECT. */
  sql: string;
  connection: Connection;
  target: RelationName;
  existing: ExistingType | null;
  fullRefresh: boolean;
  /** Run one statement on the node's connection; errors name the node and statement. */
  run(sql: string): Promise<QueryResult>;
  /** Render a hook's SQL in the node's context. */
  renderHook(hook: HookConfig): Promise<string>;
}

export interface MaterializationResult {
  /** dbt's adapter response: `SELECT 120`, `CREATE VIEW`. */
  message: string;
  rowsAffected: number | null;
  /** For incremental models: more detail (strategy, batches). */
  detail?: Record<string, unknown>;
}

export type Materialize = (context: MaterializationContext) => Promise<MaterializationResult>;

const EXISTING_SQL = `select case c.relkind when 'v' then 'view' when 'm' then 'materialized_view' when 'f' then 'foreign_table' else 'table' end as type
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p', 'v', 'm', 'f')`;

export async function existingRelation(connection: Connection, relation: RelationName): Promise<ExistingType | null> {
  const result = await connection.query<{ type: ExistingType }>(EXISTING_SQL, [relation.schema, relation.identifier]);
  return result.rows[0]?.type ?? null;
}

export function responseMessage(result: QueryResult, fallback: string): string {
  if (result.command && result.rowCount !== null && result.rowCount !== undefined) return `${result.command} ${result.rowCount}`;
  return result.command ?? fallback;
}

/** A statement that Postgres rejected: the SQL, the SQLSTATE and where in the SQL it pointed. */
export class StatementError extends Error {
  constructor(
    readonly sql: string,
    readonly sqlState: string,
    readonly position: number | null,
    message: string,
    readonly detail: string | null,
    readonly hint: string | null,
  ) {
    super(message);
    this.name = 'StatementError';
  }

  static from(sql: string, error: unknown): StatementError {
    const pg = error as { code?: string; position?: string | number; message?: string; detail?: string; hint?: string };
    const position = pg.position === undefined || pg.position === null || pg.position === '' ? null : Number(pg.position);
    return new StatementError(sql, pg.code ?? '', position, pg.message ?? String(error), pg.detail ?? null, pg.hint ?? null);
  }
}

/** `MaterializationContext.run` for a connection: a rejected statement becomes a StatementError carrying its SQL. */
export function statementRunner(connection: Connection): (sql: string) => Promise<QueryResult> {
  return async (statement) => {
    try {
      return await connection.query(statement);
    } catch (error) {
      throw StatementError.from(statement, error);
    }
  };
}
