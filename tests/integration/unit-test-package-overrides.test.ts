import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

for (const kind of databaseKinds()) {
  describe(`unit test macro overrides of a package's macros on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it("replace pkg.macro for every caller, the package's own macros included, as dbt-audit-helper's tests rely on", async () => {
      const dir = makeProject({
        'dbt_project.yml': 'name: shop\nconfig-version: 2\n',
        // Reading real data would fail in a unit test (the input is a CTE there): the test overrides it.
        'dbt_packages/helpers/dbt_project.yml': 'name: helpers\nconfig-version: 2\n',
        'dbt_packages/helpers/macros/bounds.sql': `{% macro bounds(relation) %}{% set result = run_query('select max(id) as top from ' ~ relation) %}{% if execute %}{% do return({'top': result.columns[0].values()[0]}) %}{% endif %}{% do return({'top': 0}) %}{% endmacro %}
{% macro capped(relation) %}select * from {{ relation }} where id <= {{ helpers.bounds(relation)['top'] }}{% endmacro %}`,
        'models/orders.sql': 'select 1 as id union all select 2 union all select 3',
        'models/capped_orders.sql': "{{ helpers.capped(ref('orders')) }}",
        'models/unit_tests.yml': `version: 2
unit_tests:
  - name: capped_at_the_override
    model: capped_orders
    overrides:
      macros:
        helpers.bounds: {top: 2}
    given:
      - input: ref('orders')
        rows: [{id: 1}, {id: 2}, {id: 3}]
    expect:
      rows: [{id: 1}, {id: 2}]
`,
      });
      const summary = await build({ projectDir: dir, targetConfig: db.target(), adapter: db.adapter, select: ['capped_at_the_override'] });
      expect(summary.results.map((result) => [result.unique_id, result.status, result.message?.split('\n')[0] ?? null])).toEqual([
        ['unit_test.shop.capped_orders.capped_at_the_override', 'pass', null],
      ]);
      removeDir(dir);
    });
  });
}
