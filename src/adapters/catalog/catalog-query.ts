import type { Connection } from '../adapter.js';

/** A relation by schema and name, as the catalog knows it. `pg_temp` names the session's own temporary schema. */
export interface CatalogRelation {
  schema: string;
  identifier: string;
}

export type CatalogRow = Record<string, unknown>;

/**
 * One catalog question as data: its SQL, its parameters and how its rows read. Data rather
 * than a function of a connection, so the same question runs on a connection (`ask`) and
 * from a template's synchronous `run_query` replay (`answer`).
 */
export interface CatalogQuery<T> {
  sql: string;
  params: unknown[];
  read(rows: readonly CatalogRow[]): T;
}

export async function ask<T>(connection: Connection, query: CatalogQuery<T>): Promise<T> {
  const result = await connection.query<CatalogRow>(query.sql, query.params);
  return query.read(result.rows);
}

/** The answer through a runner that may not run anything (a template while parsing): undefined then. */
export function answer<T>(run: (sql: string, params?: unknown[]) => { rows: CatalogRow[] } | undefined, query: CatalogQuery<T>): T | undefined {
  const result = run(query.sql, query.params);
  return result ? query.read(result.rows) : undefined;
}

export const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
export const integer = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
