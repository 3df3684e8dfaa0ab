import { type PGlite, type Results } from '@electric-sql/pglite';
import type { Adapter, Connection, QueryResult, RunLockOptions } from '../adapter.js';
import { Mutex } from '../mutex.js';
import { quoteLiteral } from '../quote.js';
import { TEXT_PARSERS } from '../type-parsers.js';
import { openPglite } from './open-pglite.js';
import { checkpointIfDue } from './wal-checkpoint.js';

export interface PgliteAdapterOptions {
  /** Data directory; omitted means in memory. */
  dataDir?: string;
  /** How to behave when another process holds the data directory. */
  lock?: RunLockOptions;
  /** An already open database (tests share one per file); it is not closed by `close()`. */
  db?: PGlite;
  /** WAL written since the last checkpoint that makes kpi checkpoint (default: the database's max_wal_size). */
  checkpointWalBytes?: number;
}

function toResult(result: Results<Record<string, unknown>>): QueryResult {
  const extended = result as Results<Record<string, unknown>> & { command?: string; rowCount?: number };
  return {
    rows: result.rows,
    fields: result.fields.map((field) => ({ name: field.name, dataTypeID: field.dataTypeID })),
    rowCount: extended.rowCount ?? (result.affectedRows || null) ?? null,
    command: extended.command ?? null,
  };
}

/**
 * The embedded database. PGlite is a single Postgres backend in this process: one
 * session, so `withConnection` hands it to one caller at a time, and nodes run one
 * after another however many threads are configured.
 */
export class PgliteAdapter implements Adapter {
  readonly type = 'pglite' as const;
  readonly capabilities = { parallel: false, citus: false };
  readonly database = 'postgres';
  private readonly mutex = new Mutex();
  private readonly connection: Connection;

  private constructor(
    private readonly db: PGlite,
    private readonly owned: boolean,
    private readonly dataDir: string | undefined,
    private readonly releaseLock: () => Promise<void>,
    private readonly checkpointWalBytes: number | undefined,
  ) {
    this.connection = {
      query: async <Row>(sql: string, params?: readonly unknown[]) =>
        toResult(await this.db.query<Record<string, unknown>>(sql, params as unknown[] | undefined, { parsers: TEXT_PARSERS })) as QueryResult<Row>,
      execute: async (sql: string) => (await this.db.exec(sql, { parsers: TEXT_PARSERS })).map((result) => toResult(result)),
      copyFromCsv: async (table, columns, csv, options = {}) => {
        const columnList = columns.length > 0 ? ` (${columns.join(', ')})` : '';
        const delimiter = options.delimiter ? `, delimiter ${quoteLiteral(options.delimiter)}` : '';
        const header = options.header ? ', header true' : '';
        // PGlite reads COPY input from one blob: an iterable is gathered (and checked) first.
        const parts: Uint8Array[] = [];
        if (typeof csv === 'string' || csv instanceof Uint8Array) parts.push(typeof csv === 'string' ? Buffer.from(csv) : csv);
        else for await (const part of csv) parts.push(part);
        const blob = new Blob(parts.map((part) => new Uint8Array(part)));
        const result = await this.db.query(`copy ${table}${columnList} from '/dev/blob' with (format csv${delimiter}${header})`, [], { blob });
        return result.affectedRows ?? 0;
      },
    };
  }

  static async open(options: PgliteAdapterOptions = {}): Promise<PgliteAdapter> {
    if (options.db) return new PgliteAdapter(options.db, false, undefined, async () => undefined, options.checkpointWalBytes);
    const opened = await openPglite(options.dataDir, 'kpi', options.lock ?? { wait: true });
    if (!opened.acquired) throw new Error('bug: the embedded database lock was yielded without a yieldTo');
    return PgliteAdapter.fromOpened(opened.db, options.dataDir, opened.release);
  }

  /** A database this process opened (and holds the lock of): closed, and the lock released, by `close()`. */
  static fromOpened(db: PGlite, dataDir: string | undefined, release: () => Promise<void>): PgliteAdapter {
    return new PgliteAdapter(db, true, dataDir, release, undefined);
  }

  /** One caller at a time; after each, a checkpoint if the WAL has grown past its limit (see wal-checkpoint.ts). */
  withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const result = await fn(this.connection);
      await checkpointIfDue(this.db, this.checkpointWalBytes);
      return result;
    });
  }

  /** The data directory is already this process's alone (see `open`); within it, runs queue on the mutex. */
  async acquireRunLock(): Promise<() => Promise<void>> {
    return async () => undefined;
  }

  describe(): string {
    return this.dataDir ? `embedded Postgres (PGlite) at ${this.dataDir}` : 'embedded Postgres (PGlite) in memory';
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    try {
      await this.db.close();
    } finally {
      await this.releaseLock();
    }
  }
}
