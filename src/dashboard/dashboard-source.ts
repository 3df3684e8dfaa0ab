import type { Adapter, Connection } from '../adapters/adapter.js';
import type { BacktestResults } from './backtest-results.js';
import type { DashboardContext } from './dashboard-context.js';
import type { MartTables } from '../mart/queries/mart-tables.js';
import { readCatalog, type MartCatalog } from '../mart/queries/read-catalog.js';
import { readDataVersion } from './queries/read-data-version.js';
import { readOnly } from './read-only.js';

const CACHED_ANSWERS = 128;

/**
 * The mart as the dashboard reads it: each request runs in its own read-only transaction,
 * starting with the data version; the catalog (KPIs, entities, windows) is read again
 * only when that version changed, and so are answers (`answer`): a board asked for again
 * costs the version check only, and a new build is seen at once.
 */
export class DashboardSource {
  private catalog: { version: string; catalog: MartCatalog } | null = null;
  private readonly answers = new Map<string, unknown>();

  constructor(
    private readonly adapter: Adapter,
    private readonly tables: MartTables,
    private readonly currency: string,
    /** target/backtest_results.json (null: the dashboard has no project to find it in). */
    readonly backtest: BacktestResults | null = null,
  ) {}

  get database(): 'pglite' | 'postgres' {
    return this.adapter.type;
  }

  read<T>(fn: (connection: Connection, context: DashboardContext) => Promise<T>): Promise<T> {
    return readOnly(this.adapter, async (connection) => {
      const version = await readDataVersion(connection, this.tables);
      if (this.catalog?.version !== version.version) {
        this.catalog = { version: version.version, catalog: await readCatalog(connection, this.tables, version.latestDate) };
      }
      return fn(connection, { tables: this.tables, currency: this.currency, database: this.adapter.type, version, catalog: this.catalog.catalog });
    });
  }

  /** `read`, remembering the answer under `key` for as long as the data version stays (the newest CACHED_ANSWERS of them). */
  answer<T>(key: string, fn: (connection: Connection, context: DashboardContext) => Promise<T>): Promise<T> {
    return this.read(async (connection, context) => {
      const versioned = `${context.version.version}\u0000${key}`;
      if (this.answers.has(versioned)) {
        const hit = this.answers.get(versioned) as T;
        this.answers.delete(versioned);
        this.answers.set(versioned, hit);
        return hit;
      }
      const value = await fn(connection, context);
      this.answers.set(versioned, value);
      for (const old of this.answers.keys()) {
        if (this.answers.size <= CACHED_ANSWERS) break;
        this.answers.delete(old);
      }
      return value;
    });
  }
}
