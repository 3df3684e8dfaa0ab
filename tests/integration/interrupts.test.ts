import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpi, profileYaml, type CliResult } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase, uniqueSchema, type DatabaseKind, type TestDatabase } from '../helpers/databases.js';
import { makeProject, REPO_ROOT, removeDir } from '../helpers/fixtures.js';
import { PgliteAdapter } from '../../src/adapters/pglite/pglite-adapter.js';

/** The binary, interrupted with SIGINT as soon as its output shows `when`. */
function kpiInterrupted(args: string[], cwd: string, when: RegExp): Promise<CliResult & { interruptedAt: string; secondsToExit: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/kpi.js'), ...args], { cwd });
    let stdout = '';
    let stderr = '';
    let interruptedAt = '';
    let killedAt = 0;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!interruptedAt && when.test(stdout)) {
        interruptedAt = stdout.split('\n').filter(Boolean).pop() ?? '';
        killedAt = performance.now();
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr, interruptedAt, secondsToExit: (performance.now() - killedAt) / 1000 }));
  });
}

interface RunResults {
  results: Array<{ unique_id: string; status: string; message: string | null; error_code?: string }>;
  args: Record<string, unknown>;
}

const SLEEP_SECONDS = 4;

/** `slow` takes a few seconds and counts its builds in `generation`, so a half-done rebuild would show. */
function project(schema: string, kind: DatabaseKind): string {
  return makeProject({
    'dbt_project.yml': 'name: interrupts\nprofile: interrupts\nmodels:\n  interrupts:\n    +materialized: table\n',
    'profiles.yml': profileYaml('interrupts', kind, schema),
    'models/base.sql': "select 1 as id, {{ var('generation', 1) }} as generation",
    'models/slow.sql': `select id, generation from {{ ref('base') }} cross join (select pg_sleep(${SLEEP_SECONDS})) as pause`,
    'models/after_slow.sql': "select * from {{ ref('slow') }}",
  });
}

for (const kind of databaseKinds()) {
  describe(`Ctrl-C on ${kind}`, () => {
    let db: TestDatabase | undefined;
    beforeAll(async () => {
      if (kind === 'postgres') db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db?.close();
    });

    /** What the target holds, read directly (the embedded database after kpi closed it). */
    async function generations(dir: string, schema: string): Promise<Record<string, number>> {
      const sql = `select 'slow' as model, generation from ${schema}.slow union all select 'after_slow', generation from ${schema}.after_slow`;
      let rows: Array<{ model: string; generation: number }>;
      if (db) rows = await db.query(sql);
      else {
        const adapter = await PgliteAdapter.open({ dataDir: join(dir, '.kpi/pglite') });
        try {
          rows = await adapter.withConnection(async (connection) => (await connection.query<{ model: string; generation: number }>(sql)).rows);
        } finally {
          await adapter.close();
        }
      }
      return Object.fromEntries(rows.map((row) => [row.model, Number(row.generation)]));
    }

    it('stops a --full-refresh build, keeps the old tables, writes run results, and kpi retry finishes the refresh', async () => {
      const schema = db ? db.target().schema : uniqueSchema();
      const dir = project(schema, kind);
      try {
        const first = await kpi(['run', '--vars', '{generation: 1}'], { cwd: dir });
        expect(first.code, first.stdout + first.stderr).toBe(0);

        const interrupted = await kpiInterrupted(['build', '--full-refresh', '--vars', '{generation: 2}'], dir, /START sql table model \S+\.slow/);
        expect(interrupted.interruptedAt).toMatch(/slow/);
        expect(interrupted.code).toBe(130);
        // A server cancels the running statement at once; the embedded database finishes it first.
        if (kind === 'postgres') expect(interrupted.secondsToExit).toBeLessThan(SLEEP_SECONDS - 1);
        expect(interrupted.stderr).toMatch(/Interrupted: cancelling what runs/);
        expect(interrupted.stderr).not.toMatch(/at .*\.js:\d+/);
        expect(interrupted.stdout).toMatch(/Interrupted: 1 node cancelled and rolled back, 1 not started; kpi retry runs them/);

        const results = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as RunResults;
        const status = Object.fromEntries(results.results.map((result) => [result.unique_id.split('.').pop(), result]));
        expect(status.base.status).toBe('success');
        expect(status.slow).toMatchObject({ status: 'error', error_code: 'KPI_INTERRUPTED', message: 'cancelled: the run was interrupted' });
        expect(status.after_slow).toMatchObject({ status: 'skipped', message: 'skipped: the run was interrupted' });
        expect(results.args).toMatchObject({ which: 'build', fullRefresh: true });
        // The interrupted rebuild rolled back: both tables are the first run's.
        expect(await generations(dir, schema)).toEqual({ slow: 1, after_slow: 1 });

        const retried = await kpi(['retry', '--vars', '{generation: 2}'], { cwd: dir });
        expect(retried.code, retried.stdout + retried.stderr).toBe(0);
        expect(retried.stdout).toMatch(/Found 2 table models/);
        expect(await generations(dir, schema)).toEqual({ slow: 2, after_slow: 2 });
      } finally {
        removeDir(dir);
      }
    });
  });
}
