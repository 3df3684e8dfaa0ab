import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import type { Adapter } from '../../src/adapters/adapter.js';
import { openPglite } from '../../src/adapters/pglite/open-pglite.js';
import { PgliteAdapter } from '../../src/adapters/pglite/pglite-adapter.js';
import { PostgresAdapter } from '../../src/adapters/postgres/postgres-adapter.js';
import { quoteIdentifier } from '../../src/adapters/quote.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import { targetFromUrl } from '../../src/config/profiles.js';

export type DatabaseKind = 'pglite' | 'postgres' | 'citus';

const KINDS: readonly DatabaseKind[] = ['pglite', 'postgres', 'citus'];

/**
 * The databases every integration test runs on: always the embedded one, the server when
 * KPI_TEST_PG_URL is set, and a Citus coordinator when KPI_TEST_CITUS_URL is. KPI_TEST_DATABASES
 * (`citus`, `pglite,postgres`) narrows them: CI runs the Citus files once more on the cluster
 * alone, after the whole suite has run on the other two.
 */
export function databaseKinds(): DatabaseKind[] {
  const configured = KINDS.filter((kind) => kind === 'pglite' || Boolean(process.env[serverUrlVariable(kind)]));
  const only = process.env.KPI_TEST_DATABASES;
  if (!only) return configured;
  const wanted = only.split(',').map((kind) => kind.trim());
  const unknown = wanted.filter((kind) => !KINDS.includes(kind as DatabaseKind) || !configured.includes(kind as DatabaseKind));
  if (unknown.length > 0) throw new Error(`KPI_TEST_DATABASES names ${unknown.join(', ')}, which is not one of ${configured.join(', ')} (set its KPI_TEST_*_URL)`);
  return configured.filter((kind) => wanted.includes(kind));
}

/** The environment variable holding a server kind's URL. */
export function serverUrlVariable(kind: Exclude<DatabaseKind, 'pglite'>): string {
  return kind === 'citus' ? 'KPI_TEST_CITUS_URL' : 'KPI_TEST_PG_URL';
}

/** A server kind's URL. */
export function serverUrl(kind: Exclude<DatabaseKind, 'pglite'>): string {
  const url = process.env[serverUrlVariable(kind)];
  if (!url) throw new Error(`${serverUrlVariable(kind)} is not set`);
  return url;
}

export interface TestDatabase {
  kind: DatabaseKind;
  adapter: Adapter;
  /** A fresh target on this database, with its own schema, so tests never see each other's tables. */
  target(schema?: string): TargetConfig;
  /** Run SQL directly (assertions read the database, not kpi's own report). */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export function uniqueSchema(prefix = 't'): string {
  return `kpi_${prefix}_${randomBytes(4).toString('hex')}`;
}

/** One database per test file: PGlite costs seconds to start, so tests share it and differ by schema. */
export async function openTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  let adapter: Adapter;
  let db: PGlite | undefined;
  if (kind === 'pglite') {
    // As kpi opens it, so from the cached template when there is one (an initdb costs ~4 s of CPU a file).
    const opened = await openPglite(undefined, 'kpi', { wait: true });
    if (!opened.acquired) throw new Error('an in-memory database has no lock to wait for');
    db = opened.db;
    adapter = await PgliteAdapter.open({ db });
  } else {
    adapter = new PostgresAdapter({ url: serverUrl(kind), poolSize: 5 });
  }
  const schemas = new Set<string>();
  return {
    kind,
    adapter,
    target(schema = uniqueSchema()) {
      schemas.add(schema);
      if (kind === 'pglite') return { type: 'pglite', name: 'dev', profileName: 'test', schema, threads: 4, path: null };
      return targetFromUrl(serverUrl(kind), schema, 4);
    },
    async query<Row>(sql: string, params?: unknown[]) {
      return adapter.withConnection(async (connection) => (await connection.query<Row>(sql, params)).rows);
    },
    async close() {
      if (kind !== 'pglite') {
        // Every schema a test target named (and those derived from it, like <schema>_staging).
        await adapter.withConnection(async (connection) => {
          for (const schema of schemas) {
            const derived = await connection.query<{ nspname: string }>("select nspname from pg_namespace where nspname = $1 or nspname like $1 || '\\_%'", [schema]);
            for (const row of derived.rows) await connection.query(`drop schema if exists ${quoteIdentifier(row.nspname)} cascade`);
          }
        });
      }
      await adapter.close();
      await db?.close();
    },
  };
}
