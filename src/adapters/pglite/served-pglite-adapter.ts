import { KpiError, errorMessage } from '../../errors.js';
import { LOCK_WAIT_REPORT_MS, type Adapter, type Connection, type RunLockOptions } from '../adapter.js';
import { Mutex } from '../mutex.js';
import { PostgresAdapter } from '../postgres/postgres-adapter.js';
import { acquireFileLock } from './file-lock.js';
import { insertCsv } from './insert-csv.js';
import type { LockHolder, ServedAddress } from './lock-holder.js';

/**
 * The embedded database while `kpi serve` holds it: the same database, reached through
 * the server's socket with the `pg` client. The server multiplexes its clients onto
 * PGlite's one session, so this adapter keeps to one connection (as PgliteAdapter keeps
 * to one caller at a time), serializes runs with a file lock (advisory locks belong to
 * the session every client shares, so they would not keep two runs apart), and loads
 * CSV with INSERTs (the socket server cannot take COPY data).
 */
export class ServedPgliteAdapter implements Adapter {
  readonly type = 'pglite' as const;
  readonly capabilities = { parallel: false, citus: false };
  readonly database = 'postgres';
  private readonly mutex = new Mutex();

  private constructor(
    private readonly server: PostgresAdapter,
    private readonly dataDir: string,
    private readonly holder: LockHolder & { server: ServedAddress },
  ) {}

  static async connect(dataDir: string, holder: LockHolder & { server: ServedAddress }, options: Pick<RunLockOptions, 'onLockWait' | 'lockTimeoutSeconds'> = {}): Promise<ServedPgliteAdapter> {
    const { host, port } = holder.server;
    // Every client of the server shares PGlite's one session: a wait is behind another client's statement or open transaction.
    const explain = (what: string) =>
      `${what} has waited ${LOCK_WAIT_REPORT_MS / 1000} s: kpi serve (pid ${holder.pid}, on ${host}:${port}) shares the embedded database with other clients, and one of them is running a statement or holds a transaction open. kpi waits until it ends (Ctrl-C stops; --lock-timeout gives up).`;
    const server = new PostgresAdapter({
      host,
      port,
      user: 'postgres',
      database: 'postgres',
      poolSize: 1,
      // A socket on this machine, which speaks no TLS.
      tls: { sslmode: 'disable' },
      // The server lets a new client in only when no other client's transaction is open: waiting for that is waiting for a lock.
      connectTimeoutSeconds: options.lockTimeoutSeconds ?? 0,
      onLockWait: options.onLockWait,
      explainWait: async (label) => explain(label ?? 'a statement'),
    });
    const adapter = new ServedPgliteAdapter(server, dataDir, holder);
    const waiting = options.onLockWait ? setInterval(() => options.onLockWait?.(explain('connecting')), LOCK_WAIT_REPORT_MS) : undefined;
    try {
      await adapter.withConnection((connection) => connection.query('select 1'));
    } catch (error) {
      await server.close().catch(() => undefined);
      throw error;
    } finally {
      clearInterval(waiting);
    }
    return adapter;
  }

  /**
   * One caller at a time, queued here as PgliteAdapter queues them: waiting for the pool's
   * one client would count against its connect timeout, and a node may wait long.
   */
  withConnection<T>(fn: (connection: Connection) => Promise<T>, label?: string): Promise<T> {
    return this.mutex.run(() => this.connected(fn, label));
  }

  private async connected<T>(fn: (connection: Connection) => Promise<T>, label: string | undefined): Promise<T> {
    try {
      return await this.server.withConnection((connection) => fn({ ...connection, copyFromCsv: (table, columns, csv, options) => insertCsv(connection, table, columns, csv, options) }), label);
    } catch (error) {
      if (!(error instanceof KpiError) || error.code !== 'KPI_CONNECTION_ERROR') throw error;
      const { host, port } = this.holder.server;
      throw new KpiError(
        'KPI_CONNECTION_ERROR',
        `kpi serve (pid ${this.holder.pid}) holds the embedded database at ${this.dataDir}, but its server on ${host}:${port} did not answer: ${errorMessage(error.cause ?? error)}`,
        {
          cause: error,
          hint: `stop it with \`kpi serve --stop\` (or end process ${this.holder.pid}), then run again`,
        },
      );
    }
  }

  async acquireRunLock(_key: string, options: RunLockOptions): Promise<() => Promise<void>> {
    const lock = await acquireFileLock(`${this.dataDir}.run.lock`, 'kpi', options);
    if (!lock.acquired) throw new Error('bug: the run lock was yielded without a yieldTo');
    return lock.release;
  }

  describe(): string {
    const { host, port } = this.holder.server;
    return `embedded Postgres (PGlite) at ${this.dataDir}, through kpi serve on ${host}:${port}`;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
