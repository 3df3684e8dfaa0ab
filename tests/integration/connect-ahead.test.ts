import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAdapter } from '../../src/adapters/postgres/postgres-adapter.js';
import { run } from '../../src/api.js';
import { KpiError } from '../../src/errors.js';
import { databaseKinds, openTestDatabase, serverUrl, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

// The embedded database is opened only when a command runs nodes: nothing to connect ahead there.
for (const kind of databaseKinds().filter((kind) => kind !== 'pglite')) {
  describe(`sessions connected while the project parses, on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('connects ahead into the pool, and the connections asked for at the same time work, through the TLS fallback too', async () => {
      // The URL as the tests give it: where it names no sslmode, libpq's `prefer` tries TLS first and falls back.
      const adapter = new PostgresAdapter({ url: serverUrl(kind), poolSize: 4 });
      try {
        adapter.connectAhead(3);
        // Asked at once, while those are on their way (the run lock and the first nodes do this).
        const pids = await Promise.all([1, 2, 3].map(() => adapter.withConnection(async (connection) => (await connection.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid)));
        expect(pids.every((pid) => Number.isInteger(pid))).toBe(true);
        // The Citus question was asked once, on the first connection, whichever it was.
        expect(adapter.capabilities.citus).toBe(kind === 'citus');
      } finally {
        await adapter.close();
      }
    });

    it('closes at once while connections are still on their way, keeping none', async () => {
      const adapter = new PostgresAdapter({ url: serverUrl(kind), poolSize: 4 });
      adapter.connectAhead(3);
      const started = Date.now();
      await adapter.close();
      // What arrives after the close is let go, not kept idle in a pool (which would hold the process for its idle timeout).
      await new Promise((resolve) => setTimeout(resolve, 300));
      const pool = (adapter as unknown as { pool: { totalCount: number } }).pool;
      expect(pool.totalCount).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('runs a project opened ahead like one opened after the parse, and lets go of it when the command stops before running', async () => {
      const target = db.target();
      const dir = makeProject({
        'kpi_project.yml': 'name: ahead\n',
        'models/base.sql': "{{ config(materialized='table') }}\nselect 1 as id",
        'models/top.sql': "{{ config(materialized='view') }}\nselect id from {{ ref('base') }}",
      });
      try {
        // No adapter given: the command opens the target itself, before parsing.
        const summary = await run({ projectDir: dir, targetConfig: target });
        expect(summary.results.map((result) => result.status)).toEqual(['success', 'success']);
        expect(await db.query(`select id from "${target.schema}".top`)).toEqual([{ id: 1 }]);
        // A misspelt selector stops the command after the parse: the error is the selector's, not a connection's.
        const error = await run({ projectDir: dir, targetConfig: target, select: ['bsae'] }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(KpiError);
        expect((error as KpiError).code).toBe('KPI_SELECTOR_INVALID');
        // A selection with nothing to run opens nothing for long, and reports nothing wrong.
        const nothing = await run({ projectDir: dir, targetConfig: target, select: ['base'], exclude: ['base'] });
        expect(nothing.results).toEqual([]);
        expect(nothing.success).toBe(true);
      } finally {
        removeDir(dir);
      }
    });
  });
}
