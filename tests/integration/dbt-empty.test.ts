import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, compile, run, seed } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { pythonStrings } from '../helpers/dbt-adapter-tests.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

/**
 * `--empty` as dbt-tests-adapter's `empty/test_empty.py` (BaseTestEmpty, which dbt-postgres
 * runs) checks it, with its fixtures (`empty/_models.py`) unchanged: refs (ephemeral ones
 * too) and sources read no rows, so the model is built with its columns and no rows.
 */
const models = () => pythonStrings('dbt-tests-adapter/src/dbt/tests/adapter/empty/_models.py');

for (const kind of databaseKinds()) {
  describe(`--empty on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('builds models from no rows on run, build and compile (BaseTestEmpty.test_run_with_empty)', async () => {
      const m = models();
      const target = db.target();
      const dir = makeProject({
        'kpi_project.yml': 'name: test\n',
        'seeds/raw_source.csv': m.raw_source_csv,
        'models/model_input.sql': m.model_input_sql,
        'models/ephemeral_model_input.sql': m.ephemeral_model_input_sql,
        'models/model.sql': m.model_sql,
        'models/sources.yml': m.schema_sources_yml,
      });
      const options = { projectDir: dir, targetConfig: target, adapter: db.adapter };
      const count = async () => (await db.query<{ n: number }>(`select count(*)::int as n from "${target.schema}".model`))[0].n;
      try {
        expect((await seed(options)).success).toBe(true);
        expect((await run(options)).success).toBe(true);
        expect(await count()).toBe(3);
        expect((await run({ ...options, empty: true })).success).toBe(true);
        expect(await count()).toBe(0);
        expect(await db.query(`select column_name from information_schema.columns where table_schema = $1 and table_name = 'model'`, [target.schema])).toEqual([{ column_name: 'id' }]);
        // build --empty: seeds load as ever; models read nothing.
        expect((await build(options)).success).toBe(true);
        expect(await count()).toBe(3);
        const summary = await build({ ...options, empty: true });
        expect(summary.results.filter((result) => result.status !== 'success' && result.status !== 'pass')).toEqual([]);
        expect(await count()).toBe(0);
        const [compiled] = await compile({ ...options, select: ['model'], empty: true });
        expect(compiled.sql).toContain(`(select * from "${target.schema}"."model_input" where false limit 0) "_dbt_limit_subq_model_input"`);
        expect(compiled.sql).toContain(`(select * from "${target.schema}"."raw_source" where false limit 0) "_dbt_limit_subq_raw_source"`);
        const [plain] = await compile({ ...options, select: ['model'] });
        expect(plain.sql).not.toContain('limit 0');
      } finally {
        removeDir(dir);
      }
    });
  });
}
