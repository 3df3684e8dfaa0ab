import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, run } from '../../src/api.js';
import { type KpiError } from '../../src/errors.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { eventLog } from '../helpers/events.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

for (const kind of databaseKinds()) {
  describe(`runner on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('skips only the descendants of a failed node, and stops everything with --fail-fast', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: r\nmodels:\n  r:\n    +materialized: table\n',
        'models/bad.sql': 'select 1/0 as x',
        'models/after_bad.sql': "select * from {{ ref('bad') }}",
        'models/after_after.sql': "select * from {{ ref('after_bad') }}",
        'models/good.sql': 'select 1 as x',
        'models/after_good.sql': "select * from {{ ref('good') }}",
      });
      const target = db.target();
      const summary = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, threads: 1 });
      const status = Object.fromEntries(summary.results.map((result) => [result.unique_id.split('.').pop(), result.status]));
      expect(status).toEqual({ bad: 'error', good: 'success', after_bad: 'skipped', after_good: 'success', after_after: 'skipped' });
      expect(summary.results.find((result) => result.unique_id.endsWith('.bad'))?.message).toMatch(/division by zero/);

      const failFast = await run({ projectDir: dir, targetConfig: db.target(), adapter: db.adapter, threads: 1, failFast: true });
      expect(failFast.results.filter((result) => result.status === 'success').length).toBeLessThan(2);
      expect(failFast.results.every((result) => ['error', 'skipped', 'success'].includes(result.status))).toBe(true);
      expect(failFast.results.filter((result) => result.status === 'skipped').length).toBeGreaterThanOrEqual(3);
      removeDir(dir);
    });

    it('applies grants and never lets one thread block another', async () => {
      await db.query("do $$ begin if not exists (select from pg_roles where rolname = 'kpi_test_reader') then create role kpi_test_reader; end if; end $$");
      const dir = makeProject({
        'kpi_project.yml': "name: g\nmodels:\n  g:\n    +grants:\n      select: ['kpi_test_reader']\n",
        'models/t.sql': "{{ config(materialized='table') }}\nselect 1 as x",
        'models/v.sql': 'select 2 as y',
      });
      const target = db.target();
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
      const grants = await db.query<{ table_name: string; privilege_type: string }>(
        `select table_name, privilege_type from information_schema.role_table_grants where grantee = 'kpi_test_reader' and table_schema = $1 order by 1`,
        [target.schema],
      );
      expect(grants).toEqual([
        { table_name: 't', privilege_type: 'SELECT' },
        { table_name: 'v', privilege_type: 'SELECT' },
      ]);
      // Re-running replaces the table: the new one gets its grants too.
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
      expect(await db.query(`select count(*)::int as n from information_schema.role_table_grants where grantee = 'kpi_test_reader' and table_schema = $1`, [target.schema])).toEqual([{ n: 2 }]);
      removeDir(dir);
    });

    it('runs unit tests before their model in build; a failing one skips the model and what is built on it', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: u\nmodels:\n  u:\n    +materialized: table\n',
        'models/base.sql': 'select 1 as id, 10 as amount',
        'models/doubled.sql': "select id, amount * 2 as amount from {{ ref('base') }}",
        'models/report.sql': "select sum(amount) as total from {{ ref('doubled') }}",
        'models/tests.yml': `unit_tests:
  - name: doubles_wrongly_expected
    model: doubled
    given:
      - input: ref('base')
        rows: [{id: 1, amount: 5}]
    expect:
      rows: [{id: 1, amount: 11}]
`,
      });
      const summary = await build({ projectDir: dir, targetConfig: db.target(), adapter: db.adapter, threads: 1 });
      const status = Object.fromEntries(summary.results.map((result) => [result.unique_id.split('.').slice(2).join('.'), result.status]));
      expect(status).toEqual({ base: 'success', 'doubled.doubles_wrongly_expected': 'fail', doubled: 'skipped', report: 'skipped' });
      const order = summary.results.map((result) => result.unique_id.split('.').pop());
      expect(order.indexOf('doubles_wrongly_expected')).toBeLessThan(order.indexOf('doubled'));
      removeDir(dir);
    });

    if (kind === 'postgres') {
      it('runs independent models in parallel up to threads', async () => {
        const files: Record<string, string> = { 'kpi_project.yml': 'name: p\nmodels:\n  p:\n    +materialized: table\n' };
        for (let i = 0; i < 4; i++) files[`models/slow_${i}.sql`] = `select ${i} as x from pg_sleep(0.6)`;
        const dir = makeProject(files);
        const started = performance.now();
        const summary = await run({ projectDir: dir, targetConfig: db.target(), adapter: db.adapter, threads: 4 });
        const seconds = (performance.now() - started) / 1000;
        expect(summary.success).toBe(true);
        // Four 0.6 s models, one after another, would take 2.4 s.
        expect(seconds).toBeLessThan(2.0);
        expect(new Set(summary.results.map((result) => result.thread_id)).size).toBe(4);
        removeDir(dir);
      });

      it('serializes two runs on one target with an advisory lock; --no-wait refuses', async () => {
        const dir = makeProject({ 'kpi_project.yml': 'name: l\nmodels:\n  l:\n    +materialized: table\n', 'models/slow.sql': 'select 1 as x from pg_sleep(0.8)' });
        const target = db.target();
        const log = eventLog();
        const first = run({ projectDir: dir, targetConfig: target, adapter: db.adapter });
        await new Promise((resolve) => setTimeout(resolve, 300));
        const refused = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, noWait: true }).catch((error: unknown) => error);
        const second = run({ projectDir: dir, targetConfig: target, adapter: db.adapter, onEvent: log.onEvent });
        const [a, b] = await Promise.all([first, second]);
        expect((refused as KpiError).code).toBe('KPI_LOCKED');
        expect(a.success && b.success).toBe(true);
        expect(log.events.some((event) => event.type === 'log' && /Waiting for another kpi run/.test(event.message))).toBe(true);
        removeDir(dir);
      });
    }
  });
}
