/**
 * What the engine needs from a database, and nothing more. The embedded (PGlite) and the
 * server (pg) adapters share every piece of SQL; they differ only in how a statement
 * reaches Postgres, how bulk data is loaded, and how concurrent runs are kept apart.
 */

export interface QueryField {
  name: string;
  dataTypeID: number;
}

export interface QueryResult<Row = Record<string, unknown>> {
  rows: Row[];
  fields: QueryField[];
  /** Rows affected or returned, as Postgres reports it (`SELECT 120`). */
  rowCount: number | null;
  /** The command tag's verb (`SELECT`, `INSERT`, `CREATE`), when the driver reports it. */
  command: string | null;
}

export type CsvInput = string | Uint8Array | AsyncIterable<Uint8Array>;

export interface Connection {
  /** One statement, with bound parameters. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** A script of one or more statements, no parameters; the results of each statement. */
  execute(sql: string): Promise<QueryResult[]>;
  /**
   * `COPY <table> (<columns>) FROM STDIN` with CSV text: the fastest load each database
   * offers. Pieces from an iterable are sent as they come; if it throws, the COPY is
   * abandoned and the error is what this rejects with.
   */
  copyFromCsv(table: string, columns: readonly string[], csv: CsvInput, options?: { delimiter?: string; header?: boolean }): Promise<number>;
  /**
   * Whether the database has Citus, where the adapter already knows it (asked once, on its
   * first connection): templates' `adapter.is_citus()` answers from it instead of asking the
   * catalog on every render. Absent where the adapter does not know; then the catalog is asked.
   */
  readonly citus?: boolean;
}

export interface AdapterCapabilities {
  /** Whether statements on different connections really run at the same time. */
  parallel: boolean;
  /**
   * Whether the target is a Citus coordinator (the `citus` extension in its database), so
   * tables can be distributed. A server adapter learns it on its first connection, before
   * any node runs; the embedded database never has it.
   */
  citus: boolean;
}

export interface RunLockOptions {
  wait: boolean;
  onWaiting?: () => void;
  /** Told about what takes long on the way in (creating the embedded database on a first run). */
  onProgress?: (message: string) => void;
  /** Told who holds the lock a statement has waited on for LOCK_WAIT_REPORT_MS, and again every so often. */
  onLockWait?: (message: string) => void;
  /** Give up a statement's wait for a lock after this many seconds (KPI_LOCK_TIMEOUT). */
  lockTimeoutSeconds?: number;
}

/** How long a statement waits on a lock before the user is told who holds it. */
export const LOCK_WAIT_REPORT_MS = 5000;

export interface Adapter {
  readonly type: 'postgres' | 'pglite';
  readonly capabilities: AdapterCapabilities;
  /** The database name, as `target.database` shows it. */
  readonly database: string;
  /**
   * One connection, held for the whole callback (temporary tables and transactions live on it).
   * `label` names the work in the server's pg_stat_activity (`kpi model.shop.orders`).
   */
  withConnection<T>(fn: (connection: Connection) => Promise<T>, label?: string): Promise<T>;
  /**
   * Another connection of its own, outside the pool, for a node that works on several at once
   * (`parallel_parts`): the pool holds one a thread, so a node waiting there for a second
   * could wait on itself. Only a server has it: the embedded database runs one statement at a time.
   */
  withExtraConnection?<T>(fn: (connection: Connection) => Promise<T>, label?: string): Promise<T>;
  /** Serialize runs against one target; the returned function releases the lock. */
  acquireRunLock(key: string, options: RunLockOptions): Promise<() => Promise<void>>;
  /**
   * Cancel the statements running on this adapter's connections (Ctrl-C). Only a server can:
   * the embedded database runs a statement to its end in this process, so it has no such method.
   */
  cancelRunning?(): Promise<void>;
  /** A description safe to print: never a password. */
  describe(): string;
  close(): Promise<void>;
}

/** Run `fn` in a transaction on `connection`: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(connection: Connection, fn: () => Promise<T>): Promise<T> {
  await connection.query('begin');
  try {
    const result = await fn();
    await connection.query('commit');
    return result;
  } catch (error) {
    await connection.query('rollback').catch(() => undefined);
    throw error;
  }
}

/**
 * Called in a transaction before it captures and replaces the views that depend on a
 * relation: only one such swap at a time per database, until the transaction ends. Two
 * tables rebuilt in parallel with one view on both would otherwise lock each other's table
 * and the view in opposite orders (a deadlock), or one would read the view's definition as
 * the other drops it. The swap itself is short, so serializing it costs little.
 */
export async function serializeSwaps(connection: Connection): Promise<void> {
  await connection.query("select pg_advisory_xact_lock(hashtext('kpi: swap relations with dependent views'))");
}
