import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpi, profileYaml } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase, uniqueSchema, type TestDatabase } from '../helpers/databases.js';
import { copyFixture, removeDir, writeFile } from '../helpers/fixtures.js';

// dbt's jaffle_shop as its users have it: CSV seeds, staging views, mart tables, the 20
// schema tests of its schema.yml files (plus one singular test), a {% docs %} block.
for (const kind of databaseKinds()) {
  describe(`jaffle_shop with CSV seeds on ${kind}`, () => {
    let db: TestDatabase | undefined;
    beforeAll(async () => {
      if (kind === 'postgres') db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db?.close();
    });

    it('builds unchanged with kpi build and reports the pass counts dbt reports', async () => {
      const dir = copyFixture('jaffle_shop_seeds');
      const schema = db ? db.target().schema : uniqueSchema();
      writeFile(dir, 'profiles.yml', profileYaml('jaffle_shop', kind, schema));
      const built = await kpi(['build', '--project-dir', dir, '--profiles-dir', dir]);
      expect(built.stderr).toBe('');
      expect(built.code).toBe(0);
      expect(built.stdout).toMatch(/Found 3 seeds, 3 view models, 2 table models, 21 data tests/);
      expect(built.stdout).toMatch(/OK loaded seed file \S+\.raw_payments \.+ \[INSERT 11 in/);
      expect(built.stdout).toMatch(/Done\. PASS=29 WARN=0 ERROR=0 SKIP=0 TOTAL=29/);

      const shown = await kpi([
        'show',
        '--inline',
        "select count(*) as customers, sum(number_of_orders)::int as orders from {{ ref('customers') }}",
        '--output',
        'json',
        '--project-dir',
        dir,
        '--profiles-dir',
        dir,
      ]);
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout)).toEqual([{ customers: 8, orders: 10 }]);

      // A bad row in a seed: the build stops there, names the file and line, and keeps the old table.
      writeFile(dir, 'seeds/raw_orders.csv', 'id,user_id,order_date,status\n1,1,2018-01-01,returned\n2,3\n');
      const broken = await kpi(['build', '--project-dir', dir, '--profiles-dir', dir]);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toMatch(/seeds\/raw_orders\.csv:3/);
      const kept = await kpi(['show', '--inline', "select count(*) as n from {{ ref('raw_orders') }}", '--output', 'json', '--project-dir', dir, '--profiles-dir', dir]);
      expect(JSON.parse(kept.stdout)).toEqual([{ n: 10 }]);
      removeDir(dir);
    });
  });
}
