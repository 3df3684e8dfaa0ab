import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase, uniqueSchema, type DatabaseKind, type TestDatabase } from '../helpers/databases.js';
import { copyFixture, REPO_ROOT, removeDir, writeFile } from '../helpers/fixtures.js';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real binary, as a user runs it. */
export function kpi(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/kpi.js'), ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function profile(kind: DatabaseKind, schema: string): string {
  const output =
    kind === 'pglite' ? `      type: pglite\n      path: .kpi/pglite\n      schema: ${schema}\n` : `      type: postgres\n      url: "{{ env_var('KPI_TEST_PG_URL') }}"\n      schema: ${schema}\n`;
  return `jaffle_shop:\n  target: dev\n  outputs:\n    dev:\n${output}      threads: 4\n`;
}

for (const kind of databaseKinds()) {
  describe(`the kpi binary on ${kind}`, () => {
    let db: TestDatabase | undefined;
    beforeAll(async () => {
      if (kind === 'postgres') db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db?.close();
    });

    it('runs a dbt project from its own profiles.yml, with dbt-shaped output and exit codes', async () => {
      const dir = copyFixture('jaffle_shop');
      const schema = db ? db.target().schema : uniqueSchema();
      writeFile(dir, 'profiles.yml', profile(kind, schema));
      const result = await kpi(['run', '--project-dir', dir, '--profiles-dir', dir]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Found 3 view models, 2 table models/);
      expect(result.stdout).toMatch(/\d of 5 OK created sql table model \S+\.orders \.+ \[SELECT 10 in \d+\.\d+s\]/);
      expect(result.stdout).toMatch(/Done\. PASS=5 WARN=0 ERROR=0 SKIP=0 TOTAL=5/);

      const selected = await kpi(['run', '-s', '+orders', '--exclude', 'stg_payments', '--log-format', 'json'], { cwd: dir, env: { DBT_PROFILES_DIR: dir } });
      expect(selected.code).toBe(0);
      const finished = selected.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
        .filter((event) => event.type === 'node_finished')
        .map((event) => event.node.name);
      expect(finished.sort()).toEqual(['orders', 'stg_orders']);

      writeFile(dir, 'models/marts/orders.sql', 'select no_such_column from {{ ref("stg_orders") }}');
      const failed = await kpi(['run'], { cwd: dir, env: { DBT_PROFILES_DIR: dir } });
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(/ERROR creating sql table model \S+\.orders/);
      expect(failed.stdout).toMatch(/Completed with 1 error and 0 warnings/);
      expect(failed.stdout).toMatch(/no_such_column/);

      const usage = await kpi(['run', '--select', 'tga:daily'], { cwd: dir, env: { DBT_PROFILES_DIR: dir } });
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/^KPI_SELECTOR_INVALID: .*Did you mean 'tag:'\?/);
      expect(usage.stderr).not.toMatch(/at .*\.js:\d+/);

      const cleaned = await kpi(['clean'], { cwd: dir, env: { DBT_PROFILES_DIR: dir } });
      expect(cleaned.code).toBe(0);
      expect(existsSync(join(dir, 'target'))).toBe(false);
      removeDir(dir);
    });

    it('never prints a password: debug redacts the profile', async () => {
      const dir = copyFixture('jaffle_shop');
      const secret = 'S3cret-pa55word';
      writeFile(
        dir,
        'profiles.yml',
        `jaffle_shop:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: 127.0.0.1\n      port: 1\n      user: nobody\n      password: "{{ env_var('KPI_SECRET_PASSWORD') }}"\n      dbname: test\n      schema: s\n      connect_timeout: 2\n`,
      );
      const result = await kpi(['debug', '--profiles-dir', dir], { cwd: dir, env: { KPI_SECRET_PASSWORD: secret } });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/password: \*\*\*\*/);
      expect(result.stdout).toMatch(/connection: FAILED/);
      expect(result.stdout + result.stderr).not.toContain(secret);
      removeDir(dir);
    });
  });
}

describe('the kpi binary without a profile', () => {
  it('uses the embedded database under .kpi/ and serializes concurrent runs on it', async () => {
    const dir = copyFixture('jaffle_shop');
    removeDir(join(dir, 'profiles.yml'));
    const first = kpi(['run', '--project-dir', dir]);
    const second = kpi(['run', '--project-dir', dir]);
    const results = await Promise.all([first, second]);
    expect(results.map((result) => result.code)).toEqual([0, 0]);
    expect(results.some((result) => result.stdout.includes('Waiting for another kpi run'))).toBe(true);
    expect(existsSync(join(dir, '.kpi/pglite'))).toBe(true);

    // A live process holds the database (this test's own pid in the lock file): --no-wait refuses at once.
    writeFile(dir, '.kpi/pglite.lock', `${process.pid}\nkpi\n`);
    const refused = await kpi(['run', '--project-dir', dir, '--no-wait']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/KPI_LOCKED/);
    // A lock left by a process that died is taken over.
    writeFile(dir, '.kpi/pglite.lock', '999999999\nkpi\n');
    expect((await kpi(['run', '--project-dir', dir, '--no-wait'])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')).results).toHaveLength(5);
    removeDir(dir);
  });
});
