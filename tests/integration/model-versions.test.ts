import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

for (const kind of databaseKinds()) {
  describe(`model versions on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('build each version as <name>_v<v>, and refs read the version they name (the latest without v=)', async () => {
      const dir = makeProject({
        'dbt_project.yml': 'name: shop\nconfig-version: 2\nmodels:\n  shop:\n    +materialized: table\n',
        'models/dim_customers_v1.sql': 'select 1 as id',
        'models/dim_customers_v2.sql': 'select 2 as id',
        'models/latest_user.sql': "select * from {{ ref('dim_customers') }}",
        'models/pinned_user.sql': "select * from {{ ref('dim_customers', v=1) }}",
        'models/schema.yml': 'version: 2\nmodels:\n  - name: dim_customers\n    versions:\n      - v: 1\n      - v: 2\n',
      });
      const target = db.target();
      const summary = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter });
      expect(summary.results.map((result) => [result.unique_id, result.status]).sort()).toEqual([
        ['model.shop.dim_customers.v1', 'success'],
        ['model.shop.dim_customers.v2', 'success'],
        ['model.shop.latest_user', 'success'],
        ['model.shop.pinned_user', 'success'],
      ]);
      const q = (sql: string) => db.query(sql.replace(/\$schema/g, `"${target.schema}"`));
      expect(await q('select table_name from information_schema.tables where table_schema = $1 order by 1'.replace('$1', `'${target.schema}'`))).toEqual(
        ['dim_customers_v1', 'dim_customers_v2', 'latest_user', 'pinned_user'].map((table_name) => ({ table_name })),
      );
      // No latest_version: the highest version is the latest.
      expect(await q('select id from $schema.latest_user')).toEqual([{ id: 2 }]);
      expect(await q('select id from $schema.pinned_user')).toEqual([{ id: 1 }]);
      removeDir(dir);
    });
  });
}
