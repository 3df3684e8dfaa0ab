import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, compile, parse } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

for (const kind of databaseKinds()) {
  describe(`analyses on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('are parsed with their refs, compiled into target/compiled/ by kpi compile, and never run, as dbt treats analyses', async () => {
      const dir = makeProject({
        'dbt_project.yml': 'name: shop\nconfig-version: 2\n',
        'models/orders.sql': 'select 1 as id, 10 as amount',
        'analyses/revenue.sql': "{{ config(tags=['finance']) }}\nselect sum(amount) as revenue from {{ ref('orders') }}",
        'analyses/schema.yml': 'version: 2\nanalyses:\n  - name: revenue\n    description: Revenue to date\n',
      });
      const target = db.target();
      const parsed = await parse({ projectDir: dir, targetConfig: target });
      expect(parsed.manifest.nodes['analysis.shop.revenue']).toMatchObject({
        resource_type: 'analysis',
        original_file_path: 'analyses/revenue.sql',
        description: 'Revenue to date',
        tags: ['finance'],
        depends_on: { nodes: ['model.shop.orders'] },
      });

      const summary = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter });
      expect(summary.results.map((result) => result.unique_id)).toEqual(['model.shop.orders']);
      expect(await db.query('select table_name from information_schema.tables where table_schema = $1 order by 1', [target.schema])).toEqual([{ table_name: 'orders' }]);

      const compiled = await compile({ projectDir: dir, targetConfig: target, adapter: db.adapter });
      const analysis = compiled.find((node) => node.unique_id === 'analysis.shop.revenue');
      expect(analysis?.path).toBe('target/compiled/shop/analyses/revenue.sql');
      const sql = readFileSync(join(dir, 'target/compiled/shop/analyses/revenue.sql'), 'utf8');
      expect(sql.trim()).toBe(`select sum(amount) as revenue from "${target.schema}"."orders"`);
      // The compiled query is one a user can run: the database answers it.
      expect(await db.query(sql)).toEqual([{ revenue: 10 }]);
      expect(existsSync(join(dir, 'target/run/shop/analyses'))).toBe(false);
      removeDir(dir);
    });
  });
}
