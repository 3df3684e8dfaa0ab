import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpi, profileYaml } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase, uniqueSchema, type TestDatabase } from '../helpers/databases.js';
import { copyFixture, makeProject, REPO_ROOT, removeDir, writeFile } from '../helpers/fixtures.js';

const BIN = join(REPO_ROOT, 'bin/kpi.js');

/** `kpi <args> | head -c <bytes>`: the reader leaves after the first bytes, as head does. */
function kpiIntoShortPipe(args: string[], cwd: string, bytes: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd });
    let seen = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen >= bytes) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('the binary without a database', () => {
  it('ends quietly with 0 when the reader of its output goes away', async () => {
    const result = await kpiIntoShortPipe(['ls', '--output', 'json'], REPO_ROOT, 100);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('answers an unknown command with one line and a suggestion, exit 2', async () => {
    const result = await kpi(['bulid']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual(["error: unknown command 'bulid' (did you mean 'build'?)"]);
  });

  it('answers a misspelt model, tag or path with exit 2 and a suggestion, before opening a database', async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: shop\n',
      'models/staging/stg_orders.sql': "{{ config(tags=['daily']) }}\nselect 1 as id",
      'models/marts/orders.sql': "select * from {{ ref('stg_orders') }}",
    });
    try {
      const cases: Array<[string[], RegExp]> = [
        [['ls', '--select', 'ordres'], /'ordres' \(in --select\) names a node that is not in the project\. Did you mean 'orders'\?/],
        [['run', '--select', 'tag:dialy'], /'tag:dialy' \(in --select\) names a tag that is not in the project\. Did you mean 'daily'\?/],
        [['build', '--exclude', 'path:models/stagin'], /'path:models\/stagin' \(in --exclude\) names a path that is not in the project\. Did you mean 'models\/staging'\?/],
      ];
      for (const [args, message] of cases) {
        const result = await kpi(args, { cwd: dir });
        expect(result.code, args.join(' ')).toBe(2);
        expect(result.stderr).toMatch(/^KPI_SELECTOR_INVALID: /);
        expect(result.stderr).toMatch(message);
        expect(result.stderr).not.toMatch(/\n\s+at /);
      }
      expect(existsSync(join(dir, '.kpi')), 'no embedded database was created').toBe(false);
    } finally {
      removeDir(dir);
    }
  });

  it('creates a project with kpi init that kpi build builds at once on the embedded database, and refuses a bad name or a folder in use', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'kpi-init-'));
    try {
      const created = await kpi(['init', 'shop'], { cwd: parent });
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/Next: cd shop && npx kpi build/);
      const built = await kpi(['build'], { cwd: join(parent, 'shop') });
      expect(built.code, built.stdout + built.stderr).toBe(0);
      expect(built.stdout).toMatch(/Creating the embedded database in .*\.kpi\/pglite \(first run only/);
      expect(built.stdout).toMatch(/Done\. PASS=8 WARN=0 ERROR=0 SKIP=0 TOTAL=8/);

      const again = await kpi(['init', 'shop'], { cwd: parent });
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/^KPI_USAGE: .*shop already has files/);
      const badName = await kpi(['init', '9lives'], { cwd: parent });
      expect(badName.code).toBe(2);
      expect(badName.stderr).toMatch(/'9lives' cannot name a project/);
      expect(existsSync(join(parent, '9lives'))).toBe(false);
    } finally {
      removeDir(parent);
    }
  });

  it("shows the global options in every subcommand's help", async () => {
    const result = await kpi(['run', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Global Options:[\s\S]*--project-dir <dir>[\s\S]*--log-format <format>/);
  });

  it('prints an error as a JSON event with --log-format json', async () => {
    const result = await kpi(['ls', '--project-dir', '/nonexistent/project', '--log-format', 'json']);
    expect(result.code).toBe(2);
    const event = JSON.parse(result.stdout.trim()) as Record<string, unknown>;
    expect(event).toMatchObject({ type: 'error', level: 'error', code: 'KPI_PROJECT_NOT_FOUND' });
    expect(String(event.message)).toMatch(/nonexistent/);
  });
});

for (const kind of databaseKinds()) {
  describe(`the binary on ${kind}`, () => {
    let db: TestDatabase | undefined;
    let dir: string;
    let schema: string;
    beforeAll(async () => {
      if (kind === 'postgres') db = await openTestDatabase(kind);
      schema = db ? db.target().schema : uniqueSchema();
      dir = copyFixture('jaffle_shop');
      writeFile(dir, 'profiles.yml', profileYaml('jaffle_shop', kind, schema));
    });
    afterAll(async () => {
      removeDir(dir);
      await db?.close();
    });

    it('runs in colour on a terminal, plain in a pipe, and keeps logs/kpi.log and target/run/ as dbt does', async () => {
      // `script` gives the binary a terminal, as a user's shell does.
      const inTerminal = (env: Record<string, string> = {}) =>
        spawnSync('script', ['-qec', `${process.execPath} ${BIN} run`, '/dev/null'], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8' });
      const terminal = inTerminal();
      expect(terminal.status, terminal.stdout).toBe(0);
      expect(terminal.stdout).toMatch(/\u001b\[32m\[SELECT \d+ in [\d.]+s\]\u001b\[0m/);
      expect(terminal.stdout).toMatch(/\u001b\[32mCompleted successfully\u001b\[0m/);
      const noColour = inTerminal({ NO_COLOR: '1' });
      expect(noColour.stdout).toMatch(/Completed successfully/);
      expect(noColour.stdout).not.toMatch(/\u001b\[/);
      const piped = await kpi(['run', '-s', 'orders'], { cwd: dir });
      expect(piped.code).toBe(0);
      expect(piped.stdout).not.toMatch(/\u001b\[/);

      const log = readFileSync(join(dir, 'logs/kpi.log'), 'utf8');
      expect(log).toMatch(/\[info\] \[\w{8}\] \d+ of \d+ success model\.jaffle_shop\.orders in/);
      expect(log).toMatch(/\[debug\] \[\w{8}\] model\.jaffle_shop\.orders: create table/);
      const executed = readFileSync(join(dir, 'target/run/jaffle_shop/models/marts/orders.sql'), 'utf8');
      expect(executed).toMatch(/create table .*"orders__kpi_tmp"/);
      expect(executed).toMatch(/alter table .* rename to "orders"/);
      expect(existsSync(join(dir, 'target/run/jaffle_shop/models/staging/stg_orders.sql'))).toBe(true);
    });

    it("prints a node's compiled SQL when selected by name, tests selected with it or not", async () => {
      const result = await kpi(['compile', '-s', 'orders'], { cwd: dir });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^Compiled node 'orders' is:\n/);
      expect(result.stdout).toMatch(/from "[^"]+"\."stg_orders"/);
      const quiet = await kpi(['compile', '-s', 'orders', '-q'], { cwd: dir });
      expect(quiet.stdout.trim()).toMatch(/^with orders as \(/);
    });
  });
}
