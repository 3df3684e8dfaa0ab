import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as Pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { KpiError } from '../../errors.js';
import { LOCK_WAIT_REPORT_MS, type Adapter, type AdapterCapabilities, type Connection, type QueryResult, type RunLockOptions } from '../adapter.js';
import { describeLockWait, LOCK_HOLDERS_SQL, type LockHolderRow } from './lock-holders.js';
import { declinedByServer, splitTlsFromUrl, tlsPlan, type TlsPlan, type TlsSettings } from './tls-options.js';
import { citusInstalled } from '../catalog.js';
import { quoteLiteral } from '../quote.js';
import { TEXT_PARSERS } from '../type-parsers.js';
import { loadPg } from './load-pg.js';

const pg = loadPg();

export interface PostgresConnectionOptions {
  url?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
  /** Connections in the pool: one a thread, plus one for the run lock. */
  poolSize: number;
  connectTimeoutSeconds?: number;
  /** libpq's sslmode, sslrootcert, sslcert, sslkey (a URL may carry them in its query instead). */
  tls?: TlsSettings;
  /** Give up a wait for a lock after this many seconds: Postgres's lock_timeout, reported as KPI_LOCK_TIMEOUT. */
  lockTimeoutSeconds?: number;
  /** Told who holds a lock a statement has waited on for LOCK_WAIT_REPORT_MS. */
  onLockWait?: (message: string) => void;
  /** What to tell about a long wait, instead of asking the server's catalog (which a served embedded database cannot answer while it waits). */
  explainWait?: (label: string | undefined) => Promise<string | null>;
}

type PgResult = Pg.QueryResult<Record<string, unknown>>;

function toResult(result: PgResult): QueryResult {
  return {
    rows: result.rows ?? [],
    fields: (result.fields ?? []).map((field) => ({ name: field.name, dataTypeID: field.dataTypeID })),
    rowCount: result.rowCount ?? null,
    command: result.command ?? null,
  };
}

/** Big input in pieces, so the server parses the first while the rest are still on their way. */
function* slices(bytes: Uint8Array, size = 1 << 20): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** Watch a statement: past LOCK_WAIT_REPORT_MS, `onSlow` runs (and again each interval) until it ends. */
async function watched<T>(run: Promise<T>, onSlow: (() => void) | undefined): Promise<T> {
  if (!onSlow) return run;
  const timer = setInterval(onSlow, LOCK_WAIT_REPORT_MS);
  try {
    return await run;
  } finally {
    clearInterval(timer);
  }
}

/** A lock_timeout that fired: the statement gave up waiting, as the user asked. */
function lockTimeout(error: unknown, seconds: number | undefined): unknown {
  if ((error as { code?: string }).code !== '55P03' || seconds === undefined) return error;
  return new KpiError('KPI_LOCK_TIMEOUT', `gave up after waiting ${seconds}s for a lock (--lock-timeout): ${(error as Error).message}`, {
    cause: error,
    hint: 'another session holds a lock on the relation; end it, or raise --lock-timeout',
  });
}

function wrapClient(client: Pg.ClientBase, onSlow: (() => void) | undefined, lockTimeoutSeconds: number | undefined, capabilities: AdapterCapabilities): Connection {
  const query = async (sql: string, params?: unknown[]): Promise<PgResult | PgResult[]> => {
    try {
      return await watched(client.query(sql, params) as Promise<PgResult | PgResult[]>, onSlow);
    } catch (error) {
      throw lockTimeout(error, lockTimeoutSeconds);
    }
  };
  return {
    // Read when asked: the adapter learns it on the first connection, before `fn` runs on any.
    get citus() {
      return capabilities.citus;
    },
    query: async <Row>(sql: string, params?: readonly unknown[]) => toResult((await query(sql, params as unknown[] | undefined)) as PgResult) as QueryResult<Row>,
    execute: async (sql: string) => {
      const result = await query(sql);
      return (Array.isArray(result) ? result : [result]).map(toResult);
    },
    copyFromCsv: async (table, columns, csv, options = {}) => {
      const columnList = columns.length > 0 ? ` (${columns.join(', ')})` : '';
      const delimiter = options.delimiter ? `, delimiter ${quoteLiteral(options.delimiter)}` : '';
      const header = options.header ? ', header true' : '';
      const stream = client.query(copyFrom(`copy ${table}${columnList} from stdin with (format csv${delimiter}${header})`));
      await pipeline(typeof csv === 'string' || csv instanceof Uint8Array ? Readable.from(slices(typeof csv === 'string' ? Buffer.from(csv) : csv)) : csv, stream);
      return Number(stream.rowCount ?? 0);
    },
  };
}

/** The keys that have a value: a profile's unset key must not hide the URL's. */
function definedOnly(settings: TlsSettings): TlsSettings {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== null && value !== undefined));
}

/** A Postgres server, through a pool of `pg` clients. */
export class PostgresAdapter implements Adapter {
  readonly type = 'postgres' as const;
  readonly capabilities: AdapterCapabilities = { parallel: true, citus: false };
  /** Asked once, on the first connection: whether the database has Citus. */
  private detection: Promise<void> | null = null;
  readonly database: string;
  private pool: Pg.Pool;
  private config: Pg.PoolConfig;
  private readonly tls: TlsPlan;
  private fellBack = false;
  /** Backend pids of the connections handed out now, for cancelRunning. */
  private readonly active = new Set<number>();

  constructor(private readonly options: PostgresConnectionOptions) {
    const fromUrl = options.url ? splitTlsFromUrl(options.url) : null;
    this.tls = tlsPlan({ ...fromUrl?.settings, ...definedOnly(options.tls ?? {}) });
    const config: Pg.PoolConfig = fromUrl ? { connectionString: fromUrl.url } : { host: options.host, port: options.port, user: options.user, password: options.password, database: options.database };
    config.max = options.poolSize;
    config.connectionTimeoutMillis = (options.connectTimeoutSeconds ?? 10) * 1000;
    config.application_name = 'kpi';
    if (options.lockTimeoutSeconds !== undefined) config.options = `-c lock_timeout=${Math.round(options.lockTimeoutSeconds * 1000)}`;
    config.types = {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        (format ?? 'text') === 'text' && TEXT_PARSERS[oid] ? TEXT_PARSERS[oid] : pg.types.getTypeParser(oid, format as 'text')) as typeof Pg.types.getTypeParser,
    };
    this.config = { ...config, ssl: this.tls.first };
    this.pool = PostgresAdapter.createPool(this.config);
    this.database = options.database ?? (options.url ? new URL(options.url).pathname.replace(/^\//, '') : '') ?? 'postgres';
  }

  private static createPool(config: Pg.PoolConfig): Pg.Pool {
    const pool = new pg.Pool(config);
    // An idle client that loses its server must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    return pool;
  }

  private async connect(): Promise<Pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      // As libpq: `prefer` goes on without TLS where the server has none, `allow` with TLS where the server demands it.
      if (!this.fellBack && this.tls.fallback !== null && declinedByServer(this.tls, error)) {
        this.fellBack = true;
        const declined = this.pool;
        this.config = { ...this.config, ssl: this.tls.fallback };
        this.pool = PostgresAdapter.createPool(this.config);
        void declined.end().catch(() => undefined);
        return this.connect();
      }
      throw this.connectionError(error);
    }
  }

  private connectionError(error: unknown): KpiError {
    const message = (error as Error).message;
    const tlsProblem = /certificate|altnames|self.signed|SSL|TLS/i.test(message);
    return new KpiError('KPI_CONNECTION_ERROR', `could not connect to ${this.describe()}: ${message}`, {
      cause: error,
      hint: tlsProblem
        ? `the TLS handshake failed under sslmode ${this.tls.mode}: check sslrootcert (the CA that signed the server's certificate) and, for verify-full, that the host name is one the certificate names`
        : 'check the target in profiles.yml (host, port, user, dbname) and that the server is running',
    });
  }

  async withConnection<T>(fn: (connection: Connection) => Promise<T>, label?: string): Promise<T> {
    const client = await this.connect();
    let broken = false;
    try {
      return await this.serve(client, fn, label);
    } catch (error) {
      // A client left inside a failed transaction must not go back to the pool as is.
      broken = await client.query('rollback').then(
        () => false,
        () => true,
      );
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async withExtraConnection<T>(fn: (connection: Connection) => Promise<T>, label?: string): Promise<T> {
    // this.config: the pool's settings, with the TLS it fell back to if it did.
    const client = new pg.Client(this.config);
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      throw this.connectionError(error);
    }
    try {
      return await this.serve(client, fn, label);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** `fn` on a connected client: named in pg_stat_activity, watched for lock waits, cancellable while it runs. */
  private async serve<T>(client: Pg.ClientBase, fn: (connection: Connection) => Promise<T>, label: string | undefined): Promise<T> {
    const pid = (client as unknown as { processID?: number }).processID;
    if (pid !== undefined) this.active.add(pid);
    try {
      // The server's pg_stat_activity names what each connection does: `kpi model.shop.orders`.
      // Not awaited: the client sends its queries in order, so the name is set before the
      // node's first statement, and its round trip overlaps compiling the node. A failure
      // shows in that first statement (the connection is broken), so it is not reported twice.
      client.query("select set_config('application_name', $1, false)", [label ? `kpi ${label}` : 'kpi']).catch(() => undefined);
      const onSlow = pid !== undefined && this.options.onLockWait ? () => void this.reportLockWait(pid, label) : undefined;
      const connection = wrapClient(client, onSlow, this.options.lockTimeoutSeconds, this.capabilities);
      await this.detectCapabilities(connection);
      return await fn(connection);
    } finally {
      if (pid !== undefined) this.active.delete(pid);
    }
  }

  /** The capabilities only the database can tell (Citus), asked on the first connection; a failure is asked again next time. */
  private async detectCapabilities(connection: Connection): Promise<void> {
    this.detection ??= citusInstalled(connection).then(
      (citus) => {
        this.capabilities.citus = citus;
      },
      (error: unknown) => {
        this.detection = null;
        throw error;
      },
    );
    await this.detection;
  }

  /** A query on a connection of its own (the pool may be full, or its connections blocked). */
  private async aside<Row extends Record<string, unknown>>(purpose: string, sql: string, params: unknown[]): Promise<Row[]> {
    const client = new pg.Client({ ...this.config, application_name: `kpi ${purpose}` });
    try {
      await client.connect();
      return (await client.query<Row>(sql, params)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** pg_cancel_backend on every connection in use. */
  async cancelRunning(): Promise<void> {
    if (this.active.size === 0) return;
    await this.aside('cancel', 'select pg_cancel_backend(pid) from unnest($1::int[]) as pid', [[...this.active]]);
  }

  /** A statement has waited long: if a lock holds it, say whose (a slow statement that waits for nothing says nothing). */
  private async reportLockWait(pid: number, label: string | undefined): Promise<void> {
    try {
      const explain =
        this.options.explainWait ??
        (async () => {
          const holders = await this.aside<LockHolderRow>('lock report', LOCK_HOLDERS_SQL, [pid]);
          return holders.length > 0 ? describeLockWait(label, holders) : null;
        });
      const message = await explain(label);
      if (message) this.options.onLockWait?.(message);
    } catch {
      // Telling who holds a lock is a courtesy: failing to must not disturb the run.
    }
  }

  async acquireRunLock(key: string, options: RunLockOptions): Promise<() => Promise<void>> {
    const client = await this.connect();
    try {
      const tried = await client.query<{ locked: boolean }>('select pg_try_advisory_lock(hashtext($1)) as locked', [key]);
      if (!tried.rows[0]?.locked) {
        if (!options.wait) {
          throw new KpiError('KPI_LOCKED', `another kpi run holds the lock on ${key}`, {
            hint: 'wait for it to finish, or run without --no-wait to queue behind it',
          });
        }
        options.onWaiting?.();
        await client.query('select pg_advisory_lock(hashtext($1))', [key]);
      }
    } catch (error) {
      client.release(true);
      throw error;
    }
    return async () => {
      try {
        await client.query('select pg_advisory_unlock(hashtext($1))', [key]);
      } finally {
        client.release();
      }
    };
  }

  describe(): string {
    if (this.options.url) {
      const url = new URL(this.options.url);
      if (url.password) url.password = '****';
      return `postgres ${url.toString()}`;
    }
    const { user, host, port, database } = this.options;
    return `postgres ${user ?? ''}@${host ?? 'localhost'}:${port ?? 5432}/${database ?? ''}`;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
