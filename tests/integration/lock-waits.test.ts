import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { processAlive, readLockHolder } from '../../src/adapters/pglite/lock-holder.js';
import { kpi, profileYaml, type CliResult } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase } from '../helpers/databases.js';
import { makeProject, REPO_ROOT, removeDir } from '../helpers/fixtures.js';

/** The binary; `onOutput` sees its output as it comes. */
function kpiWatched(args: string[], cwd: string, onOutput: (output: string) => void): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/kpi.js'), ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      onOutput(stdout);
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A model that reads `held`, a table another session is about to lock. */
function project(profile: string): string {
  return makeProject({
    'dbt_project.yml': 'name: waits\nprofile: waits\nmodels:\n  waits:\n    +materialized: table\n',
    'profiles.yml': profile,
    'models/sources.yml': 'version: 2\nsources:\n  - name: app\n    schema: "{{ target.schema }}"\n    tables:\n      - name: held\n',
    'models/reads_held.sql': "select id from {{ source('app', 'held') }}",
  });
}

async function client(url: string, applicationName: string): Promise<pg.Client> {
  const connection = new pg.Client({ connectionString: url, application_name: applicationName });
  await connection.connect();
  return connection;
}

if (databaseKinds().includes('postgres')) {
  describe('a lock held on the server', () => {
    it('is named after 5 s of waiting (who, state, since), and --lock-timeout gives up with a coded error', async () => {
      const db = await openTestDatabase('postgres');
      const schema = db.target().schema;
      const dir = project(profileYaml('waits', 'postgres', schema));
      const url = process.env.KPI_TEST_PG_URL as string;
      const holder = await client(url, 'bi-tool');
      try {
        await db.query(`create schema ${schema}`);
        await db.query(`create table ${schema}.held as select 1 as id`);
        await holder.query('begin');
        await holder.query(`lock table ${schema}.held in access exclusive mode`);
        const holderPid = (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;

        let released = false;
        const waited = await kpiWatched(['run'], dir, (output) => {
          if (!released && /is waiting for a lock/.test(output)) {
            released = true;
            void holder.query('commit');
          }
        });
        expect(waited.code, waited.stdout + waited.stderr).toBe(0);
        expect(waited.stdout).toMatch(
          new RegExp(
            `model\\.waits\\.reads_held is waiting for a lock held by pid ${holderPid} \\(bi-tool, user \\w+[^)]*\\), idle in transaction since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\(\\d+ s\\)`,
          ),
        );
        expect(released).toBe(true);
        expect(await db.query(`select id from ${schema}.reads_held`)).toEqual([{ id: 1 }]);

        await holder.query('begin');
        await holder.query(`lock table ${schema}.held in access exclusive mode`);
        const started = performance.now();
        const gaveUp = await kpi(['run', '--lock-timeout', '1.5', '--vars', '{x: 1}'], { cwd: dir });
        expect(gaveUp.code).toBe(1);
        expect(gaveUp.stdout).toMatch(/KPI_LOCK_TIMEOUT|gave up after waiting 1\.5s for a lock \(--lock-timeout\)/);
        expect((performance.now() - started) / 1000).toBeLessThan(30);
        await holder.query('commit');
        const bad = await kpi(['run', '--lock-timeout', 'soon'], { cwd: dir });
        expect(bad.code).toBe(2);
        expect(bad.stderr).toMatch(/--lock-timeout must be a positive number of seconds, got 'soon'/);
      } finally {
        await holder.end().catch(() => undefined);
        removeDir(dir);
        await db.close();
      }
    });
  });
}

describe('the embedded database served to a BI client', () => {
  const pids: number[] = [];
  afterAll(() => {
    for (const pid of pids) if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('says which kpi serve and that a client holds it, while a client transaction is open', async () => {
    const dir = project(profileYaml('waits', 'pglite', 'waits'));
    try {
      const served = await kpi(['serve', '--print-url', '--port', '0'], { cwd: dir });
      expect(served.code, served.stderr).toBe(0);
      const url = served.stdout.trim();
      const servePid = readLockHolder(join(dir, '.kpi/pglite.lock'))?.pid as number;
      pids.push(servePid);
      const setup = await client(url, 'setup');
      await setup.query('create schema if not exists waits; create table if not exists waits.held as select 1 as id');
      await setup.end();

      const bi = await client(url, 'bi-tool');
      try {
        await bi.query('begin');
        await bi.query('select count(*) from waits.held');
        let released = false;
        const waited = await kpiWatched(['run'], dir, (output) => {
          if (!released && /shares the embedded database with other clients/.test(output)) {
            released = true;
            void bi.query('commit');
          }
        });
        expect(waited.code, waited.stdout + waited.stderr).toBe(0);
        expect(waited.stdout).toMatch(new RegExp(`has waited 5 s: kpi serve \\(pid ${servePid}, on 127\\.0\\.0\\.1:\\d+\\) shares the embedded database with other clients`));
      } finally {
        await bi.end().catch(() => undefined);
      }
      expect((await kpi(['serve', '--stop'], { cwd: dir })).code).toBe(0);
    } finally {
      removeDir(dir);
    }
  });
});
