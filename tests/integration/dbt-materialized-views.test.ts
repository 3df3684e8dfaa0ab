import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, seed } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { pythonStrings } from '../helpers/dbt-adapter-tests.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';

/**
 * dbt-tests-adapter's `materialized_view/basic.py` (MaterializedViewBasic, which dbt-postgres
 * runs in tests/functional/materializations/materialized_view_tests/), with its fixtures
 * (`materialized_view/files.py`) unchanged from the pinned tarball.
 */
const files = () => pythonStrings('dbt-tests-adapter/src/dbt/tests/adapter/materialized_view/files.py');

for (const kind of databaseKinds()) {
  describe(`dbt-tests-adapter MaterializedViewBasic on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    async function project() {
      const f = files();
      const target = db.target();
      const dir = makeProject({
        'kpi_project.yml': 'name: test\n',
        'seeds/my_seed.csv': f.MY_SEED,
        'models/my_table.sql': f.MY_TABLE,
        'models/my_view.sql': f.MY_VIEW,
        'models/my_materialized_view.sql': f.MY_MATERIALIZED_VIEW,
      });
      const options = { projectDir: dir, targetConfig: target, adapter: db.adapter };
      const go = async (model: string, fullRefresh = false) => {
        const summary = await run({ ...options, select: [model], fullRefresh });
        expect(summary.results.map((result) => [result.unique_id, result.status, result.message])).toEqual([[`model.test.${model}`, 'success', expect.any(String)]]);
      };
      const type = async (name: string) => {
        const rows = await db.query<{ relkind: string }>('select relkind from pg_class where oid = to_regclass($1)', [`"${target.schema}"."${name}"`]);
        return ({ r: 'table', v: 'view', m: 'materialized_view' } as Record<string, string>)[rows[0]?.relkind] ?? null;
      };
      const count = async (name: string) => Number((await db.query<{ n: number }>(`select count(*)::int as n from "${target.schema}"."${name}"`))[0].n);
      // setup: seed, then the materialized view with --full-refresh
      expect((await seed(options)).success).toBe(true);
      await go('my_materialized_view', true);
      return { f, dir, target, go, type, count, write: (name: string, sql: string) => writeFile(dir, `models/${name}.sql`, sql), done: () => removeDir(dir) };
    }

    it('creates it, and a run again keeps it (test_materialized_view_create, _create_idempotent, _full_refresh)', async () => {
      const p = await project();
      try {
        expect(await p.type('my_materialized_view')).toBe('materialized_view');
        await p.go('my_materialized_view');
        expect(await p.type('my_materialized_view')).toBe('materialized_view');
        await p.go('my_materialized_view', true);
        expect(await p.type('my_materialized_view')).toBe('materialized_view');
      } finally {
        p.done();
      }
    });

    it('replaces a table and a view, and is replaced by them (test_materialized_view_replaces_table, _replaces_view, test_table_replaces_, test_view_replaces_)', async () => {
      const p = await project();
      try {
        await p.go('my_table');
        expect(await p.type('my_table')).toBe('table');
        p.write('my_table', p.f.MY_MATERIALIZED_VIEW);
        await p.go('my_table');
        expect(await p.type('my_table')).toBe('materialized_view');

        await p.go('my_view');
        expect(await p.type('my_view')).toBe('view');
        p.write('my_view', p.f.MY_MATERIALIZED_VIEW);
        await p.go('my_view');
        expect(await p.type('my_view')).toBe('materialized_view');

        p.write('my_materialized_view', p.f.MY_TABLE);
        await p.go('my_materialized_view');
        expect(await p.type('my_materialized_view')).toBe('table');
        p.write('my_materialized_view', p.f.MY_MATERIALIZED_VIEW);
        await p.go('my_materialized_view');
        p.write('my_materialized_view', p.f.MY_VIEW);
        await p.go('my_materialized_view');
        expect(await p.type('my_materialized_view')).toBe('view');
      } finally {
        p.done();
      }
    });

    it('only shows new rows after a refresh (test_materialized_view_only_updates_after_refresh)', async () => {
      const p = await project();
      try {
        await p.go('my_table');
        const seedTable = `"${p.target.schema}".my_seed`;
        const tableStart = await p.count('my_seed');
        const viewStart = await p.count('my_materialized_view');
        await db.query(`insert into ${seedTable} (id, value) values (4, 400)`);
        expect(await p.count('my_seed')).toBe(tableStart + 1);
        expect(await p.count('my_materialized_view')).toBe(viewStart);
        await p.go('my_materialized_view');
        expect(await p.count('my_materialized_view')).toBe(viewStart + 1);
      } finally {
        p.done();
      }
    });
  });
}
