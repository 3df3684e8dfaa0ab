import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

// Two tables rebuilt at the same moment, with one view (a BI user's) on both: each swap must
// drop and recreate that view, and the view names the other table. Unserialized, the two swap
// transactions lock each other's table and the view in opposite orders (a deadlock), or one
// reads the view's definition while the other drops it ("could not open relation with OID").
const SLEEP = '(select pg_sleep(0.2)) as pause';

for (const kind of databaseKinds()) {
  describe(`concurrent table swaps on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('rebuilds two tables in parallel while a view on both is kept, run after run', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: swaps\nmodels:\n  +materialized: table\n',
        'models/left_side.sql': `select n, n * 2 as doubled from generate_series(1, 1000) as n, ${SLEEP}`,
        'models/right_side.sql': `select n, n * 3 as tripled from generate_series(1, 1000) as n, ${SLEEP}`,
      });
      const target = { ...db.target(), threads: 2 };
      const options = { projectDir: dir, targetConfig: target, adapter: db.adapter };
      expect((await run(options)).success).toBe(true);
      const schema = `"${target.schema}"`;
      await db.query(`create view ${schema}.both_sides as select l.n, l.doubled, r.tripled from ${schema}.left_side l join ${schema}.right_side r using (n)`);
      for (let round = 0; round < 4; round++) {
        const summary = await run(options);
        expect(summary.results.map((result) => [result.unique_id, result.status, result.message])).toEqual([
          ['model.swaps.left_side', 'success', 'SELECT 1000'],
          ['model.swaps.right_side', 'success', 'SELECT 1000'],
        ]);
      }
      expect(await db.query(`select count(*)::int as rows, sum(doubled + tripled)::int as total from ${schema}.both_sides`)).toEqual([{ rows: 1000, total: 5 * 500500 }]);
      removeDir(dir);
    });
  });
}
