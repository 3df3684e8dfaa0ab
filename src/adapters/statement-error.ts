import { KpiError } from '../errors.js';
import type { Connection, QueryResult } from './adapter.js';

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
      // An error the adapter already explained (a lock wait given up) keeps its code.
      if (error instanceof KpiError) throw error;
      throw StatementError.from(statement, error);
    }
  };
}

/**
 * `MaterializationContext.runScript` for a connection: statements of one transaction sent as
 * one script, one round trip instead of one each. A rejected statement becomes a
 * StatementError carrying the script (Postgres points into it).
 */
export function scriptRunner(connection: Connection): (statements: readonly string[]) => Promise<void> {
  return async (statements) => {
    const script = statements.map((statement) => statement.trim().replace(/;$/, '')).join(';\n');
    try {
      await connection.execute(script);
    } catch (error) {
      if (error instanceof KpiError) throw error;
      throw StatementError.from(script, error);
    }
  };
}
