import { KpiError, errorMessage } from '../../errors.js';
import type { Adapter, Connection, RunLockOptions } from '../adapter.js';
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
  readonly capabilities = { parallel: false };
  readonly database = 'postgres';
  private readonly mutex = new Mutex();

  private constructor(
    private readonly server: PostgresAdapter,
    private readonly dataDir: string,
    private readonly holder: LockHolder & { server: ServedAddress },
  ) {}

  static async connect(dataDir: string, holder: LockHolder & { server: ServedAddress }): Promise<ServedPgliteAdapter> {
    const { host, port } = holder.server;
    // The server answers a new client after the queries already queued before it (BI
    // clients' too): a local connect may wait its turn for a while.
    const server = new PostgresAdapter({ host, port, user: 'postgres', database: 'postgres', poolSize: 1, connectTimeoutSeconds: 30 });
    const adapter = new ServedPgliteAdapter(server, dataDir, holder);
    try {
      await adapter.withConnection((connection) => connection.query('select 1'));
    } catch (error) {
      await server.close().catch(() => undefined);
      throw error;
    }
    return adapter;
  }

  /**
   * One caller at a time, queued here as PgliteAdapter queues them: waiting for the pool's
   * one client would count against its connect timeout, and a node may wait long.
   */
  withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    return this.mutex.run(() => this.connected(fn));
  }

  private async connected<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    try {
      return await this.server.withConnection((connection) =>
        fn({ ...connection, copyFromCsv: (table, columns, csv, options) => insertCsv(connection, table, columns, csv, options) }),
      );
    } catch (error) {
      if (!(error instanceof KpiError) || error.code !== 'KPI_CONNECTION_ERROR') throw error;
      const { host, port } = this.holder.server;
      throw new KpiError('KPI_CONNECTION_ERROR', `kpi serve (pid ${this.holder.pid}) holds the embedded database at ${this.dataDir}, but its server on ${host}:${port} did not answer: ${errorMessage(error.cause ?? error)}`, {
        cause: error,
        hint: `stop it with \`kpi serve --stop\` (or end process ${this.holder.pid}), then run again`,
      });
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
