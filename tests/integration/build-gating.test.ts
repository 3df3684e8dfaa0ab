import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type RunSummary } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

function outcome(summary: RunSummary): Record<string, string> {
  return Object.fromEntries(summary.results.map((result) => [summary.manifest.nodes[result.unique_id].name, result.status]));
}

for (const kind of databaseKinds()) {
  describe(`kpi build on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    async function relations(schema: string): Promise<string[]> {
      const rows = await db.query<{ name: string }>('select table_name as name from information_schema.tables where table_schema = $1 order by 1', [schema]);
      return rows.map((row) => row.name);
    }

    it('skips what is built on a model whose test fails, runs it when the test only warns', async () => {
      // a -> b -> c, b -> d, b + other -> e; side stands alone.
      const dir = makeProject({
        'kpi_project.yml': 'name: gate\nmodels:\n  gate:\n    +materialized: table\n',
        'models/a.sql': 'select * from (values (1), (1), (2)) as t(id)',
        'models/b.sql': "{{ config(materialized='view') }}\nselect id, id * 10 as other_id from {{ ref('a') }}",
        'models/c.sql': "select count(*) as n from {{ ref('b') }}",
        'models/d.sql': "select max(id) as top from {{ ref('b') }}",
        'models/other.sql': 'select 10 as other_id',
        'models/e.sql': "select b.id from {{ ref('b') }} b join {{ ref('other') }} o using (other_id)",
        'models/side.sql': 'select 1 as x',
        'models/schema.yml': `version: 2
models:
  - name: a
    columns:
      - name: id
        tests:
          - unique:
              config:
                severity: "{{ var('a_severity', 'error') }}"
  - name: b
    columns:
      - name: other_id
        tests:
          - relationships:
              to: ref('other')
              field: other_id
`,
      });
      const target = db.target();
      const failing = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter });
      expect(failing.success).toBe(false);
      expect(outcome(failing)).toEqual({
        a: 'success',
        other: 'success',
        side: 'success',
        unique_a_id: 'fail',
        b: 'skipped',
        c: 'skipped',
        d: 'skipped',
        e: 'skipped',
        relationships_b_other_id__other_id__ref_other_: 'skipped',
      });
      const skippedB = failing.results.find((result) => result.unique_id === 'model.gate.b');
      expect(skippedB?.message).toMatch(/^skipped because test\.gate\.unique_a_id\.[0-9a-f]{10} did not succeed$/);
      expect(await relations(target.schema)).toEqual(['a', 'other', 'side']);

      // The same failure at warn severity gates nothing. The relationships test on b reads
      // `other` too, so dbt's rule makes it gate e (downstream of both) but not c or d.
      const warning = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars: { a_severity: 'warn' } });
      expect(outcome(warning)).toEqual({
        a: 'success',
        other: 'success',
        side: 'success',
        unique_a_id: 'warn',
        b: 'success',
        c: 'success',
        d: 'success',
        relationships_b_other_id__other_id__ref_other_: 'fail',
        e: 'skipped',
      });
      const order = warning.results.map((result) => warning.manifest.nodes[result.unique_id].name);
      expect(order.indexOf('b')).toBeGreaterThan(order.indexOf('unique_a_id'));
      expect(order.indexOf('e')).toBeGreaterThan(order.indexOf('relationships_b_other_id__other_id__ref_other_'));
      expect(await relations(target.schema)).toEqual(['a', 'b', 'c', 'd', 'other', 'side']);
      expect(await db.query(`select n::int from "${target.schema}".c`)).toEqual([{ n: 3 }]);
      removeDir(dir);
    });
  });
}
