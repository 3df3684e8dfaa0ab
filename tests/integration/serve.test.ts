import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openAdapter } from '../../src/api/open-adapter.js';
import { processAlive, readLockHolder } from '../../src/adapters/pglite/lock-holder.js';
import { serve, serverUrl } from '../../src/api.js';
import { defaultEmbeddedTarget } from '../../src/config/profiles.js';
import { kpi, profileYaml } from '../helpers/cli.js';
import { databaseKinds, uniqueSchema } from '../helpers/databases.js';
import { copyFixture, REPO_ROOT, removeDir, writeFile } from '../helpers/fixtures.js';

const URL_PATTERN = /^postgresql:\/\/postgres@127\.0\.0\.1:(\d+)\/postgres\?sslmode=disable$/;

/** Every server pid a test saw, so none outlives the file even when an assertion fails midway. */
const serverPids = new Set<number>();
const directories: string[] = [];

afterAll(() => {
  for (const pid of serverPids) {
    if (processAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  for (const dir of directories) removeDir(dir);
});

/** jaffle_shop with no profile: the embedded database under .kpi/, as a new user has it. */
function embeddedProject(): string {
  const dir = copyFixture('jaffle_shop');
  removeDir(join(dir, 'profiles.yml'));
  directories.push(dir);
  return dir;
}

function lockOf(dir: string) {
  return readLockHolder(join(dir, '.kpi/pglite.lock'));
}

async function query<Row = Record<string, unknown>>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Row[];
  } finally {
    await client.end();
  }
}

async function printUrl(dir: string): Promise<{ url: string; pid: number }> {
  const result = await kpi(['serve', '--print-url', '--port', '0'], { cwd: dir });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  // Only the URL, so `psql "$(kpi serve --print-url)"` works.
  expect(result.stdout).toMatch(/^postgresql:\S+\n$/);
  const url = result.stdout.trim();
  expect(url).toMatch(URL_PATTERN);
  const holder = lockOf(dir);
  expect(holder?.command).toBe('kpi serve');
  serverPids.add(holder?.pid as number);
  return { url, pid: holder?.pid as number };
}

/** A foreground `kpi serve`, as a user runs it in a terminal; resolves once it prints its URL. */
function foregroundServe(dir: string): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/kpi.js'), 'serve', '--port', '0'], { cwd: dir });
  serverPids.add(child.pid as number);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const first = stdout.split('\n');
      if (first.length > 2) resolve({ child, url: first[0], output: () => stdout + stderr, exited });
    });
    void exited.then((code) => reject(new Error(`kpi serve exited (${code}) before listening: ${stdout}${stderr}`)));
  });
}

// Each test spawns kpi several times, and each opens the embedded database: seconds apiece on a busy machine.
describe('kpi serve on the embedded database', { timeout: 300_000 }, () => {
  it('serves the models kpi built: --print-url starts one background server, reuses it, and --stop ends it', async () => {
    const dir = embeddedProject();
    expect((await kpi(['run'], { cwd: dir })).code).toBe(0);

    const first = await printUrl(dir);
    const port = Number(URL_PATTERN.exec(first.url)?.[1]);
    expect(lockOf(dir)).toEqual({ pid: first.pid, command: 'kpi serve', server: { host: '127.0.0.1', port } });
    expect(processAlive(first.pid)).toBe(true);
    expect(readFileSync(join(dir, '.kpi/pglite.serve.log'), 'utf8')).toContain(first.url);

    // Several clients at once, each reading what `kpi run` built.
    const counts = await Promise.all([1, 2, 3].map(() => query<{ n: number }>(first.url, 'select count(*)::int as n from kpi_sandbox.orders')));
    expect(counts).toEqual([[{ n: 10 }], [{ n: 10 }], [{ n: 10 }]]);
    const order = await query(first.url, 'select order_id, status, amount::text as amount from kpi_sandbox.orders where order_id = 9');
    expect(order).toEqual([{ order_id: 9, status: 'completed', amount: '23.00' }]);
    const views = await query<{ table_name: string }>(first.url, "select table_name from information_schema.views where table_schema = 'kpi_sandbox_staging' order by 1");
    expect(views.map((row) => row.table_name)).toEqual(['stg_customers', 'stg_orders', 'stg_payments']);

    // psql, as the README shows it (when the machine has it).
    const psql = spawnSync('psql', [first.url, '-Atc', 'select sum(amount) from kpi_sandbox.orders'], { encoding: 'utf8' });
    if (!psql.error) {
      expect(psql.stderr).toBe('');
      expect(psql.stdout.trim()).toBe(String((await query<{ total: string }>(first.url, 'select sum(amount)::text as total from kpi_sandbox.orders'))[0].total));
    }

    // Asking again reuses the running server: same URL, same process.
    const second = await printUrl(dir);
    expect(second).toEqual(first);

    const stopped = await kpi(['serve', '--stop'], { cwd: dir });
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toBe(`Stopped kpi serve (pid ${first.pid}) at ${first.url}\n`);
    expect(processAlive(first.pid)).toBe(false);
    expect(existsSync(join(dir, '.kpi/pglite.lock'))).toBe(false);
    await expect(query(first.url, 'select 1')).rejects.toThrow(/ECONNREFUSED/);
    const again = await kpi(['serve', '--stop'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^No kpi serve is running for .*\.kpi\/pglite\n$/);

    // The database is the project's own again: a run opens it directly, and sees what was there.
    const direct = await kpi(['show', '--inline', 'select count(*) as n from kpi_sandbox.customers', '--output', 'json'], { cwd: dir });
    expect(direct.code).toBe(0);
    expect(JSON.parse(direct.stdout)).toEqual([{ n: 11 }]);
  });

  it('runs other kpi commands through the server while it holds the database, one run at a time', async () => {
    const dir = embeddedProject();
    const { url, pid } = await printUrl(dir);

    // A run builds through the server; a BI client connected all along sees the new table.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const built = await kpi(['run'], { cwd: dir });
      expect(built.stderr).toBe('');
      expect(built.code).toBe(0);
      expect(built.stdout).toMatch(/Concurrency: 4 threads \(target='dev', embedded Postgres \(PGlite\) at \S+\.kpi\/pglite, through kpi serve on 127\.0\.0\.1:\d+\)/);
      expect(built.stdout).toMatch(/Done\. PASS=5 WARN=0 ERROR=0 SKIP=0 TOTAL=5/);
      expect((await client.query('select count(*)::int as n from kpi_sandbox.orders')).rows).toEqual([{ n: 10 }]);

      // A BI client inside a transaction holds the one session: everything else waits for it,
      // kpi's connect and its four threads too, however long that takes (here 8 s).
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      await holder.query('begin');
      await holder.query('select count(*) from kpi_sandbox.orders');
      const queuedRun = kpi(['run'], { cwd: dir });
      await new Promise((resolve) => setTimeout(resolve, 8000));
      await holder.query('commit');
      await holder.end();
      const queued = await queuedRun;
      expect(queued.stderr).toBe('');
      expect(queued.stdout).toMatch(/Done\. PASS=5 WARN=0 ERROR=0 SKIP=0 TOTAL=5/);

      writeFile(dir, 'models/marts/orders.sql', "select order_id, 'rebuilt' as note from {{ ref('stg_orders') }}");
      expect((await kpi(['run', '-s', 'orders'], { cwd: dir })).code).toBe(0);
      expect((await client.query('select distinct note from kpi_sandbox.orders')).rows).toEqual([{ note: 'rebuilt' }]);

      const shown = await kpi(['show', '-s', 'orders', '--limit', '1', '--output', 'json'], { cwd: dir });
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout)).toEqual([{ order_id: expect.any(Number), note: 'rebuilt' }]);

      // Seeds load through the server too (it takes no COPY data: INSERTs carry the same values).
      writeFile(dir, 'seeds/countries.csv', 'code,name,joined\nNZ,New Zealand,2024-02-29\nFR,"France, Republic",\n');
      const seeded = await kpi(['seed'], { cwd: dir });
      expect(seeded.stdout).toMatch(/OK loaded seed file kpi_sandbox\.countries \.+ \[INSERT 2 in/);
      expect((await client.query('select code, name, joined::text as joined from kpi_sandbox.countries order by code')).rows).toEqual([
        { code: 'FR', name: 'France, Republic', joined: null },
        { code: 'NZ', name: 'New Zealand', joined: '2024-02-29' },
      ]);
    } finally {
      await client.end();
    }

    // Runs through one server share its single session, so they are kept apart by a lock file:
    // held by a live process (this test's), a run with --no-wait refuses at once.
    writeFile(dir, '.kpi/pglite.run.lock', `${process.pid}\nkpi\n`);
    const refused = await kpi(['run', '--no-wait'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^KPI_LOCKED: another kpi process \(pid \d+\) is using the embedded database/);
    removeDir(join(dir, '.kpi/pglite.run.lock'));

    // A second server for the same database is refused, saying which one serves it and how to stop it.
    const duplicate = await kpi(['serve', '--port', '0'], { cwd: dir });
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain(`KPI_LOCKED: kpi serve (pid ${pid}) already serves the embedded database`);
    expect(duplicate.stderr).toContain(url);
    expect(duplicate.stderr).toMatch(/hint: .*kpi serve --stop/);

    expect((await kpi(['serve', '--stop'], { cwd: dir })).code).toBe(0);
    expect(processAlive(pid)).toBe(false);
  });

  it('stops a foreground server on Ctrl+C: clients are closed, the database closed, the lock released', async () => {
    const dir = embeddedProject();
    expect((await kpi(['run'], { cwd: dir })).code).toBe(0);
    const server = await foregroundServe(dir);
    expect(server.url).toMatch(URL_PATTERN);
    expect(server.output()).toMatch(/Serving \S+\.kpi\/pglite, models in schema kpi_sandbox on 127\.0\.0\.1:\d+: psql ".*"\. Ctrl\+C/);
    expect(lockOf(dir)).toMatchObject({ pid: server.child.pid, command: 'kpi serve' });

    // --print-url finds the foreground server rather than starting another.
    const printed = await kpi(['serve', '--print-url'], { cwd: dir });
    expect(printed.stdout.trim()).toBe(server.url);

    // A client inside an open transaction when the server stops: its work is rolled back.
    const client = new pg.Client({ connectionString: server.url });
    client.on('error', () => undefined);
    await client.connect();
    await client.query('begin');
    await client.query('create table kpi_sandbox.never_committed (x int)');
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/Stopped\.\n$/);
    await client.end().catch(() => undefined);
    expect(existsSync(join(dir, '.kpi/pglite.lock'))).toBe(false);

    const tables = await kpi(['show', '--inline', "select table_name from information_schema.tables where table_schema = 'kpi_sandbox' order by 1", '--output', 'json'], { cwd: dir });
    expect(JSON.parse(tables.stdout)).toEqual([{ table_name: 'customers' }, { table_name: 'orders' }]);
  });

  it('says who holds the database when its server cannot be reached, and stops waiting on Ctrl+C', async () => {
    const dir = embeddedProject();
    // A live process (this test) recorded as a server on a port where nothing listens.
    const free = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    writeFile(dir, '.kpi/pglite.lock', `${process.pid}\nkpi serve\n127.0.0.1:${free}\n`);
    const run = await kpi(['run'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^KPI_CONNECTION_ERROR: kpi serve \\(pid ${process.pid}\\) holds the embedded database at \\S+, but its server on 127\\.0\\.0\\.1:${free} did not answer`));
    expect(run.stderr).toMatch(/hint: stop it with `kpi serve --stop`/);
    const url = await kpi(['serve', '--print-url'], { cwd: dir });
    expect(url.code).toBe(2);
    expect(url.stderr).toMatch(/^KPI_SERVE_FAILED: kpi serve \(pid \d+\) holds the embedded database but does not answer/);

    // A server still starting (no address yet): --no-wait refuses and names it.
    writeFile(dir, '.kpi/pglite.lock', `${process.pid}\nkpi serve\n`);
    const refused = await kpi(['run', '--no-wait'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^KPI_LOCKED: kpi serve \(pid \d+\) holds the embedded database/);
    expect(refused.stderr).toMatch(/hint: stop it with `kpi serve --stop`/);

    // A server queued behind a run: Ctrl+C ends it at once, and the run's lock stays the run's.
    writeFile(dir, '.kpi/pglite.lock', `${process.pid}\nkpi\n`);
    const queued = spawn(process.execPath, [join(REPO_ROOT, 'bin/kpi.js'), 'serve', '--port', '0'], { cwd: dir });
    serverPids.add(queued.pid as number);
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => queued.on('exit', resolve));
    await new Promise<void>((resolve) =>
      queued.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (stderr.includes('Waiting for another kpi run')) resolve();
      }),
    );
    queued.kill('SIGINT');
    expect(await exited).toBe(1);
    expect(stderr).toMatch(/KPI_LOCKED: stopped while waiting: another kpi process \(pid \d+\) is using the embedded database/);
    expect(lockOf(dir)).toEqual({ pid: process.pid, command: 'kpi', server: null });
  });

  it('gives the in-process API the same server: adapters connect through it and load CSV as COPY does', async () => {
    const dir = embeddedProject();
    const target = defaultEmbeddedTarget(dir);
    const controller = new AbortController();
    let listening!: (url: string) => void;
    const ready = new Promise<string>((resolve) => (listening = resolve));
    const serving = serve({ projectDir: dir, port: 0, signal: controller.signal, onListening: (server) => listening(server.url) });
    const url = await ready;
    try {
      expect((await serverUrl({ projectDir: dir })).url).toBe(url);
      const adapter = await openAdapter(target, { wait: false });
      try {
        expect(adapter.describe()).toMatch(/through kpi serve on 127\.0\.0\.1:\d+$/);
        const loaded = await adapter.withConnection(async (connection) => {
          await connection.query('create schema if not exists csv_test');
          await connection.query('create table csv_test.t (id int, name text, born date, amount numeric(6,2), flag boolean)');
          const csv = 'id;name;born;amount;flag\n1;"Ann; Jr.";2024-02-29;1.5;true\n2;"";;;false\n3;;2025-03-31;-2;\n4;"O\'Brien \\ ""q""";2025-02-28;0;t\n';
          return connection.copyFromCsv('csv_test.t', ['"id"', '"name"', '"born"', '"amount"', '"flag"'], csv, { delimiter: ';', header: true });
        });
        expect(loaded).toBe(4);
      } finally {
        await adapter.close();
      }
      // Unquoted empty fields are null, a quoted empty field an empty string, as COPY reads CSV.
      expect(await query(url, 'select id, name, born::text, amount::text, flag from csv_test.t order by id')).toEqual([
        { id: 1, name: 'Ann; Jr.', born: '2024-02-29', amount: '1.50', flag: true },
        { id: 2, name: '', born: null, amount: null, flag: false },
        { id: 3, name: null, born: '2025-03-31', amount: '-2.00', flag: null },
        { id: 4, name: 'O\'Brien \\ "q"', born: '2025-02-28', amount: '0.00', flag: true },
      ]);
    } finally {
      controller.abort();
      await serving;
    }
    expect(existsSync(join(dir, '.kpi/pglite.lock'))).toBe(false);
  });
});

for (const kind of databaseKinds().filter((each) => each === 'postgres')) {
  describe(`kpi serve on a ${kind} target`, () => {
    it('prints the URL of the server the target names, and starts nothing', async () => {
      const dir = copyFixture('jaffle_shop');
      directories.push(dir);
      writeFile(dir, 'profiles.yml', profileYaml('jaffle_shop', kind, uniqueSchema()));
      const printed = await kpi(['serve', '--print-url'], { cwd: dir });
      expect(printed.code).toBe(0);
      expect(printed.stdout).toBe(`${new URL(process.env.KPI_TEST_PG_URL as string).toString()}\n`);
      expect(await query(printed.stdout.trim(), 'select 1 as one')).toEqual([{ one: 1 }]);
      const served = await kpi(['serve'], { cwd: dir });
      expect(served.code).toBe(0);
      expect(served.stdout).toMatch(/^Target 'dev' is a Postgres server: psql and BI tools reach it directly at \S+\. Nothing to serve\.\n$/);
      expect(existsSync(join(dir, '.kpi'))).toBe(false);
    });
  });
}

describe('kpi serve --print-url on a postgres target with a password', () => {
  it('leaves the password out unless --show-password', async () => {
    const dir = copyFixture('jaffle_shop');
    directories.push(dir);
    writeFile(
      dir,
      'profiles.yml',
      `jaffle_shop:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: db.example.internal\n      port: 6543\n      user: analyst\n      password: "{{ env_var('KPI_SECRET_PASSWORD') }}"\n      dbname: analytics\n      schema: kpi\n      sslmode: require\n`,
    );
    const env = { KPI_SECRET_PASSWORD: 'S3cret/pa55' };
    const hidden = await kpi(['serve', '--print-url'], { cwd: dir, env });
    expect(hidden.code).toBe(0);
    expect(hidden.stdout).toBe('postgresql://analyst@db.example.internal:6543/analytics?sslmode=require\n');
    expect(hidden.stderr).toMatch(/password is left out of the URL/);
    expect(hidden.stdout + hidden.stderr).not.toContain('S3cret');
    const shown = await kpi(['serve', '--print-url', '--show-password'], { cwd: dir, env });
    expect(shown.stdout).toBe('postgresql://analyst:S3cret%2Fpa55@db.example.internal:6543/analytics?sslmode=require\n');
  });
});
