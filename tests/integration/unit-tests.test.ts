import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, list, parse, run } from '../../src/api.js';
import { Reporter } from '../../src/cli/reporter.js';
import { KpiError } from '../../src/errors.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { copyFixture, removeDir, writeFile } from '../helpers/fixtures.js';

/** The unit_shop fixture with its sources in a schema of this test's own. */
function shopProject(target: TargetConfig): string {
  const dir = copyFixture('unit_shop');
  writeFile(dir, 'models/sources.yml', `version: 2\nsources:\n  - name: shop\n    schema: ${target.schema}_raw\n    tables:\n      - name: orders\n      - name: customers\n`);
  return dir;
}

const TOTALS_DIFF = [
  'actual differs from expected: 1 row only in actual (+), 2 rows only in expected (-), 1 in both',
  '',
  '  | customer_id | total',
  '  | 1           | 60',
  '+ | 2           | 25',
  '- | 2           | 30',
  '- | 3           | 1',
].join('\n');

for (const kind of databaseKinds()) {
  describe(`unit tests on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    /** Everything in a schema, and whether the schema exists: unit tests must leave both alone. */
    async function schemaState(schema: string) {
      const relations = await db.query<{ name: string; kind: string }>(
        `select c.relname as name, c.relkind::text as kind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 order by 1`,
        [schema],
      );
      const exists = await db.query<{ n: number }>('select count(*)::int as n from pg_namespace where nspname = $1', [schema]);
      return { exists: exists[0].n === 1, relations };
    }

    async function leftoverTempTables(): Promise<number> {
      const rows = await db.query<{ n: number }>(`select count(*)::int as n from pg_class where relname like '\\_\\_kpi\\_unit%'`);
      return rows[0].n;
    }

    it('runs unit tests without touching the target: pass, and fail with a row diff, over dict, csv, sql, fixture files, seeds, sources and ephemerals', async () => {
      const target = db.target();
      const dir = shopProject(target);
      const summary = await execute('test', { projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['test_type:unit'] });
      const statuses = Object.fromEntries(summary.results.map((result) => [result.unique_id, result.status]));
      expect(statuses).toEqual({
        'unit_test.unit_shop.customer_totals.totals_per_customer': 'pass',
        'unit_test.unit_shop.customer_totals.overrides_of_vars_and_env_vars': 'pass',
        'unit_test.unit_shop.customer_totals.totals_wrong_expectation': 'fail',
        'unit_test.unit_shop.order_events.events_full_build': 'pass',
        'unit_test.unit_shop.order_events.events_incremental_run': 'pass',
        'unit_test.unit_shop.order_events.events_incremental_over_undated_rows': 'pass',
        // stg_orders was never built, so the CSV's 007 is typed from the value: an integer.
        'unit_test.unit_shop.order_labels.labels_keep_leading_zeros': 'fail',
        'unit_test.unit_shop.order_status_labels.status_labels_from_the_seed': 'pass',
      });
      expect(summary.success).toBe(false);

      const wrong = summary.results.find((result) => result.unique_id.endsWith('totals_wrong_expectation'));
      expect(wrong?.message).toBe(TOTALS_DIFF);
      expect(wrong?.failures).toBe(3);
      const labels = summary.results.find((result) => result.unique_id.endsWith('labels_keep_leading_zeros'));
      expect(labels?.message).toContain('- | 1        | 007-paid\n+ | 1        | 7-paid');

      // Nothing was built: not the target schema, not the raw one, no temp table left behind.
      expect(await schemaState(target.schema)).toEqual({ exists: false, relations: [] });
      expect(await schemaState(`${target.schema}_raw`)).toEqual({ exists: false, relations: [] });
      expect(await leftoverTempTables()).toBe(0);

      // The model as the test compiled it, fixtures inlined as CTEs, is in target/compiled.
      const compiled = readFileSync(join(dir, 'target/compiled/unit_shop/models/unit_tests.yml/order_events/events_incremental_run.sql'), 'utf8');
      expect(compiled).toMatch(/^with "__dbt__cte__stg_orders" as \(/);
      expect(compiled).toContain(`where ordered_on > (select max(ordered_on) from "__dbt__cte__order_events")`);
      expect(compiled).toContain(`'2024-03-01'::date as loaded_on`);
      const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
      expect(runResults.results.find((result: { unique_id: string }) => result.unique_id.endsWith('totals_wrong_expectation')).status).toBe('fail');

      // With no relation to take columns from, a fixture has only the columns its rows name; the error says so.
      writeFile(
        dir,
        'models/more_tests.yml',
        [
          'unit_tests:',
          '  - name: labels_without_status',
          '    model: order_labels',
          '    given:',
          "      - input: ref('stg_orders')",
          '        rows: [{order_id: 1, code: a}]',
          '    expect: {rows: []}',
        ].join('\n'),
      );
      const missing = await execute('test', { projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['labels_without_status'] });
      expect(missing.results[0]).toMatchObject({ status: 'error', error_code: 'KPI_DATABASE_ERROR' });
      expect(missing.results[0].message).toBe(
        'Database error in unit_test labels_without_status at target/compiled/unit_shop/models/more_tests.yml/order_labels/labels_without_status.sql:4:33: column "status" does not exist' +
          " (hint: no relation in the database gave the columns of ref('stg_orders'), so a fixture has only the columns its rows name: give every column the model reads, or build the input first)",
      );
      expect(await schemaState(target.schema)).toEqual({ exists: false, relations: [] });
      removeDir(dir);
    });

    it('types fixture columns from the real input relation when it exists, and says which column it does not have', async () => {
      const target = db.target();
      const dir = shopProject(target);
      await db.query(`create schema "${target.schema}_raw"`);
      await db.query(`create table "${target.schema}_raw".orders (id integer, customer_id integer, amount numeric(10,2), status text, ordered_on date, code text)`);
      await db.query(`insert into "${target.schema}_raw".orders values (1, 1, 9.99, 'paid', '2024-01-01', '042')`);
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['stg_orders'] })).success).toBe(true);
      const before = await schemaState(target.schema);
      expect(before.relations).toEqual([{ name: 'stg_orders', kind: 'v' }]);

      // code is text in stg_orders, so '007' stays '007'.
      const labels = await execute('test', { projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['unit_test:labels_keep_leading_zeros'] });
      expect(labels.results.map((result) => [result.status, result.message])).toEqual([['pass', null]]);

      writeFile(
        dir,
        'models/more_tests.yml',
        [
          'unit_tests:',
          '  - name: labels_with_a_colour',
          '    model: order_labels',
          '    given:',
          "      - input: ref('stg_orders')",
          '        rows:',
          '          - {order_id: 1, colour: red}',
          "    expect: {rows: [{label: 'x'}]}",
          '  - name: labels_with_a_bad_number',
          '    model: order_labels',
          '    given:',
          "      - input: ref('stg_orders')",
          '        rows:',
          '          - {order_id: one}',
          '    expect: {rows: []}',
          '  - name: labels_expecting_a_missing_column',
          '    model: order_labels',
          '    given:',
          "      - input: ref('stg_orders')",
          '        rows: []',
          '    expect: {rows: [{order_id: 1, lable: x}]}',
          '  - name: totals_without_customers',
          '    model: customer_totals',
          '    given:',
          "      - input: ref('stg_orders')",
          '        rows: []',
          '    expect: {rows: []}',
        ].join('\n'),
      );
      const errors = await execute('test', {
        projectDir: dir,
        targetConfig: target,
        adapter: db.adapter,
        select: ['unit_test:labels_with_a_colour', 'unit_test:labels_with_a_bad_number', 'unit_test:labels_expecting_a_missing_column', 'unit_test:totals_without_customers'],
      });
      const byName = Object.fromEntries(errors.results.map((result) => [result.unique_id.split('.').pop(), result]));
      for (const result of errors.results) expect([result.unique_id, result.status, result.error_code]).toEqual([result.unique_id, 'error', 'KPI_UNIT_TEST_INVALID']);
      expect(byName.labels_with_a_colour.message).toBe(
        `models/more_tests.yml:5:9: unit test 'labels_with_a_colour', input ref('stg_orders') has a column 'colour', which is not one of its columns: order_id, customer_id, amount, status, ordered_on, code` +
          ` (hint: the columns are those of "${target.schema}"."stg_orders" as it is in the database now; rebuild it if its model changed)`,
      );
      expect(byName.labels_with_a_bad_number.message).toMatch(
        /^models\/more_tests\.yml:12:9: unit test 'labels_with_a_bad_number', input ref\('stg_orders'\): invalid input syntax for type integer: "one"/,
      );
      expect(byName.labels_expecting_a_missing_column.message).toBe(
        `models/more_tests.yml:21:5: expect names a column 'lable', which model 'order_labels' does not return (it returns order_id, label)`,
      );
      expect(byName.totals_without_customers.message).toMatch(
        /^models\/more_tests\.yml:22:5: model 'customer_totals' reads source\('shop', 'customers'\), which the unit test gives no rows for \(hint: add it under given:/,
      );

      // The built view and the raw table are as they were; no temp table is left.
      expect(await schemaState(target.schema)).toEqual(before);
      expect(await db.query(`select count(*)::int as n from "${target.schema}_raw".orders`)).toEqual([{ n: 1 }]);
      expect(await leftoverTempTables()).toBe(0);
      removeDir(dir);
    });

    it('selects unit tests with their model, by tag and by test_type, and prints the diff in the summary', async () => {
      const target = db.target();
      const dir = shopProject(target);
      expect((await list({ projectDir: dir, targetConfig: target, select: ['test_type:unit'], output: 'name' })).sort()).toEqual([
        'events_full_build',
        'events_incremental_over_undated_rows',
        'events_incremental_run',
        'labels_keep_leading_zeros',
        'overrides_of_vars_and_env_vars',
        'status_labels_from_the_seed',
        'totals_per_customer',
        'totals_wrong_expectation',
      ]);
      expect(await list({ projectDir: dir, targetConfig: target, select: ['tag:money'], output: 'name' })).toEqual(['totals_per_customer']);

      // `kpi test -s order_events` picks up the model's unit tests (indirect selection).
      const events = await execute('test', { projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['order_events'] });
      expect(events.results.map((result) => [result.unique_id, result.status])).toEqual([
        ['unit_test.unit_shop.order_events.events_full_build', 'pass'],
        ['unit_test.unit_shop.order_events.events_incremental_over_undated_rows', 'pass'],
        ['unit_test.unit_shop.order_events.events_incremental_run', 'pass'],
      ]);
      expect(events.success).toBe(true);
      const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
      expect(manifest.nodes['unit_test.unit_shop.order_events.events_incremental_run']).toMatchObject({
        resource_type: 'unit_test',
        depends_on: { nodes: ['model.unit_shop.order_events'] },
        fqn: ['unit_shop', 'order_events', 'events_incremental_run'],
        original_file_path: 'models/unit_tests.yml',
      });
      // A disabled unit test is kept aside, as dbt keeps disabled nodes, and never runs.
      expect(Object.keys(manifest.disabled)).toEqual(['unit_test.unit_shop.order_labels.switched_off']);
      expect(manifest.child_map['model.unit_shop.order_events']).toEqual([
        'unit_test.unit_shop.order_events.events_full_build',
        'unit_test.unit_shop.order_events.events_incremental_over_undated_rows',
        'unit_test.unit_shop.order_events.events_incremental_run',
      ]);

      let output = '';
      const reporter = new Reporter({ write: (text) => (output += text) });
      const failing = await execute('test', { projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['totals_wrong_expectation'], onEvent: reporter.handle });
      expect(failing.results.map((result) => result.status)).toEqual(['fail']);
      const lines = output.split('\n').map((line) => line.replace(/^\d\d:\d\d:\d\d {2}/, ''));
      expect(lines).toContain('Failure in unit_test totals_wrong_expectation');
      const at = lines.indexOf('Failure in unit_test totals_wrong_expectation');
      expect(
        lines
          .slice(at + 1, at + 8)
          .map((line) => line.trimEnd())
          .join('\n'),
      ).toBe(
        TOTALS_DIFF.split('\n')
          .map((line) => `  ${line}`.trimEnd())
          .join('\n'),
      );
      expect(output).toMatch(/START unit_test totals_wrong_expectation/);
      expect(output).toMatch(/FAIL 3 totals_wrong_expectation/);
      removeDir(dir);
    });

    it("types a `this` from the rows' values when the model's full refresh reads an input the test does not give", async () => {
      const target = db.target();
      const dir = shopProject(target);
      writeFile(
        dir,
        'models/marts/newer_orders.sql',
        [
          "{{ config(materialized='incremental', unique_key='order_id') }}",
          "select o.order_id, o.status from {{ ref('stg_orders') }} o",
          '{% if is_incremental() %}',
          'where o.order_id > (select max(order_id) from {{ this }})',
          '{% else %}',
          "join {{ source('shop', 'customers') }} c on c.id = o.customer_id",
          '{% endif %}',
        ].join('\n'),
      );
      writeFile(
        dir,
        'models/more_tests.yml',
        [
          'unit_tests:',
          '  - name: newer_orders_only',
          '    model: newer_orders',
          '    overrides: {macros: {is_incremental: true}}',
          '    given:',
          "      - input: ref('stg_orders')",
          '        rows: [{order_id: 1, status: paid}, {order_id: 2, status: lost}]',
          '      - input: this',
          '        rows: [{order_id: 1}]',
          '    expect: {rows: [{order_id: 2, status: lost}]}',
        ].join('\n'),
      );
      const summary = await execute('test', { projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['unit_test:newer_orders_only'] });
      expect(summary.results.map((result) => [result.status, result.message])).toEqual([['pass', null]]);
      removeDir(dir);
    });

    it('reports bad declarations with KPI_UNIT_TEST_INVALID at the YAML line and column', async () => {
      const target = db.target();
      const cases: Array<{ yaml: string[]; message: RegExp; line: number; column?: number }> = [
        {
          yaml: ['  - name: bad', '    model: customer_total', '    given: []', '    expect: {rows: []}'],
          message: /model 'customer_total' does not exist\. Did you mean 'customer_totals'\?/,
          line: 3,
          column: 5,
        },
        {
          yaml: ['  - name: bad', '    model: customer_totals', '    given:', "      - input: ref('order_labels')", '        rows: []', '    expect: {rows: []}'],
          message: /model 'customer_totals' does not read ref\('order_labels'\)/,
          line: 5,
          column: 9,
        },
        {
          yaml: ['  - name: bad', '    model: customer_totals', '    given:', '      - input: ref(stg_orders)', '        rows: []', '    expect: {rows: []}'],
          message: /input 'ref\(stg_orders\)' is not ref\('name'\)/,
          line: 5,
          column: 9,
        },
        {
          yaml: [
            '  - name: bad',
            '    model: order_labels',
            '    given:',
            "      - input: ref('stg_orders')",
            '        rows:',
            '          - {order_id: 1}',
            '          - [1, paid]',
            '    expect: {rows: []}',
          ],
          message: /input ref\('stg_orders'\): row 2 must be a mapping of column to value/,
          line: 8,
          column: 13,
        },
        {
          yaml: [
            '  - name: bad',
            '    model: order_labels',
            '    given:',
            "      - input: ref('stg_orders')",
            '        format: csv',
            '        rows: |',
            '          order_id,status',
            '          1,paid',
            '          2,paid,extra',
            '    expect: {rows: []}',
          ],
          message: /rows are not valid CSV: columns length is 2, got 3 on line 3/,
          line: 10,
        },
        {
          yaml: ['  - name: bad', '    model: order_labels', '    given: []', '    expect:', '      format: json', '      rows: []'],
          message: /expect: format must be one of dict, csv, sql, not 'json'/,
          line: 6,
          column: 7,
        },
        {
          yaml: ['  - name: bad', '    model: order_labels', '    given: []', '    expected: {rows: []}'],
          message: /unknown key 'expected'\. Did you mean 'expect'\?/,
          line: 5,
          column: 5,
        },
        {
          yaml: ['  - name: bad', '    model: order_labels', '    overrides:', '      macro: {is_incremental: true}', '    given: []', '    expect: {rows: []}'],
          message: /unknown key 'overrides\.macro'\. Did you mean 'macros'\?/,
          line: 5,
          column: 7,
        },
        {
          yaml: ['  - name: bad', '    model: order_events', '    given:', "      - input: ref('stg_orders')", '        rows: []', '    expect: {rows: []}'],
          message: /model 'order_events' is incremental: set overrides\.macros\.is_incremental to true or false/,
          line: 2,
          column: 5,
        },
        {
          yaml: [
            '  - name: bad',
            '    model: order_events',
            '    overrides:',
            '      macros: {is_incremental: true}',
            '    given:',
            "      - input: ref('stg_orders')",
            '        rows: []',
            '    expect: {rows: []}',
          ],
          message: /is tested with is_incremental true, so it needs an input for `this`/,
          line: 6,
          column: 5,
        },
        {
          yaml: ['  - name: bad', '    model: order_labels', '    given:', "      - input: ref('stg_orders')", '        format: csv', '        fixture: no_such_file', '    expect: {rows: []}'],
          message: /no fixture file 'no_such_file\.csv' in a fixtures\/ folder/,
          line: 7,
          column: 9,
        },
      ];
      for (const testCase of cases) {
        const dir = shopProject(target);
        writeFile(dir, 'models/bad.yml', ['unit_tests:', ...testCase.yaml, ''].join('\n'));
        const error = await parse({ projectDir: dir, targetConfig: target }).catch((caught: unknown) => caught);
        expect(error, testCase.message.source).toBeInstanceOf(KpiError);
        expect((error as KpiError).code, testCase.message.source).toBe('KPI_UNIT_TEST_INVALID');
        expect((error as KpiError).message).toMatch(testCase.message);
        expect((error as KpiError).location, testCase.message.source).toEqual({ file: 'models/bad.yml', line: testCase.line, ...(testCase.column ? { column: testCase.column } : {}) });
        removeDir(dir);
      }
    });
  });
}
