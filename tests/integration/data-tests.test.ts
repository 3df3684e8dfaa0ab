import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, compile, execute, run, type RunSummary } from '../../src/api.js';
import type { NodeResult } from '../../src/execution/types.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { copyFixture, makeProject, removeDir, writeFile } from '../helpers/fixtures.js';

/** The 20 generic tests of dbt's jaffle_shop, with the unique_ids dbt-core gives them. */
const JAFFLE_TEST_IDS = [
  'test.jaffle_shop.accepted_values_orders_status__placed__shipped__completed__return_pending__returned.be6b5b5ec3',
  'test.jaffle_shop.accepted_values_stg_orders_status__placed__shipped__completed__return_pending__returned.080fb20aad',
  'test.jaffle_shop.accepted_values_stg_payments_payment_method__credit_card__coupon__bank_transfer__gift_card.3c3820f278',
  'test.jaffle_shop.not_null_customers_customer_id.5c9bf9911d',
  'test.jaffle_shop.not_null_orders_amount.106140f9fd',
  'test.jaffle_shop.not_null_orders_bank_transfer_amount.7743500c49',
  'test.jaffle_shop.not_null_orders_coupon_amount.ab90c90625',
  'test.jaffle_shop.not_null_orders_credit_card_amount.d3ca593b59',
  'test.jaffle_shop.not_null_orders_customer_id.c5f02694af',
  'test.jaffle_shop.not_null_orders_gift_card_amount.413a0d2d7a',
  'test.jaffle_shop.not_null_orders_order_id.cf6c17daed',
  'test.jaffle_shop.not_null_stg_customers_customer_id.e2cfb1f9aa',
  'test.jaffle_shop.not_null_stg_orders_order_id.81cfe2fe64',
  'test.jaffle_shop.not_null_stg_payments_payment_id.c19cc50075',
  'test.jaffle_shop.relationships_orders_customer_id__customer_id__ref_customers_.c6ec7f58f2',
  'test.jaffle_shop.unique_customers_customer_id.c5af1ff4b1',
  'test.jaffle_shop.unique_orders_order_id.fed79b3a6e',
  'test.jaffle_shop.unique_stg_customers_customer_id.c7614daada',
  'test.jaffle_shop.unique_stg_orders_order_id.e3b841c71a',
  'test.jaffle_shop.unique_stg_payments_payment_id.3744510712',
];

/** Each result by its node's name. */
function byName(summary: RunSummary): Record<string, NodeResult> {
  return Object.fromEntries(summary.results.map((result) => [summary.manifest.nodes[result.unique_id].name, result]));
}

function statuses(summary: RunSummary): Record<string, string> {
  return Object.fromEntries(Object.entries(byName(summary)).map(([name, result]) => [name, result.status]));
}

for (const kind of databaseKinds()) {
  describe(`data tests on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    /** A count computed by the test itself, independently of kpi's test SQL. */
    async function count(sql: string): Promise<number> {
      const [row] = await db.query<{ n: number }>(`select (${sql})::int as n`);
      return row.n;
    }

    it("builds jaffle_shop with its schema tests: dbt's test ids and edges, all passing, then counts what breaks", async () => {
      const dir = copyFixture('jaffle_shop_tested');
      const target = db.target();
      const summary = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter });
      expect(summary.success).toBe(true);
      const tests = summary.results.filter((result) => result.unique_id.startsWith('test.'));
      expect(tests.map((result) => result.unique_id).sort()).toEqual([...JAFFLE_TEST_IDS, 'test.jaffle_shop.assert_total_payment_amount_is_positive'].sort());
      expect(tests.every((result) => result.status === 'pass' && result.failures === 0)).toBe(true);
      // In build, a model runs after the tests of what it is built from.
      const position = (id: string) => summary.results.findIndex((result) => result.unique_id === id);
      expect(position('model.jaffle_shop.customers')).toBeGreaterThan(position('test.jaffle_shop.unique_stg_customers_customer_id.c7614daada'));
      expect(position('model.jaffle_shop.orders')).toBeGreaterThan(position('test.jaffle_shop.assert_total_payment_amount_is_positive'));

      const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
      const relationships = manifest.nodes['test.jaffle_shop.relationships_orders_customer_id__customer_id__ref_customers_.c6ec7f58f2'];
      expect(relationships).toMatchObject({
        resource_type: 'test',
        name: 'relationships_orders_customer_id__customer_id__ref_customers_',
        original_file_path: 'models/schema.yml',
        fqn: ['jaffle_shop', 'relationships_orders_customer_id__customer_id__ref_customers_'],
        column_name: 'customer_id',
        attached_node: 'model.jaffle_shop.orders',
        refs: [
          { name: 'customers', package: null },
          { name: 'orders', package: null },
        ],
        depends_on: { nodes: ['model.jaffle_shop.customers', 'model.jaffle_shop.orders'], macros: ['macro.dbt.test_relationships', 'macro.dbt.get_where_subquery'] },
        test_metadata: {
          name: 'relationships',
          namespace: null,
          kwargs: { to: "ref('customers')", field: 'customer_id', column_name: 'customer_id', model: "{{ get_where_subquery(ref('orders')) }}" },
        },
        schema: `${target.schema}_dbt_test__audit`,
        relation_name: null,
        tags: ['jaffle'],
        config: { severity: 'ERROR', warn_if: '!= 0', error_if: '!= 0', fail_calc: 'count(*)', materialized: 'test', tags: ['jaffle'] },
      });
      expect(manifest.parent_map[relationships.unique_id]).toEqual(['model.jaffle_shop.customers', 'model.jaffle_shop.orders']);
      expect(manifest.child_map['model.jaffle_shop.customers']).toContain(relationships.unique_id);
      expect(manifest.nodes['test.jaffle_shop.unique_stg_orders_order_id.e3b841c71a'].fqn).toEqual(['jaffle_shop', 'staging', 'unique_stg_orders_order_id']);
      expect(manifest.nodes['test.jaffle_shop.assert_total_payment_amount_is_positive']).toMatchObject({
        original_file_path: 'tests/assert_total_payment_amount_is_positive.sql',
        depends_on: { nodes: ['model.jaffle_shop.stg_payments'] },
      });
      expect(manifest.nodes['model.jaffle_shop.orders'].columns.status.description).toMatch(/\| placed +\| The order has been placed/);
      // A name of 64 characters or more keeps its full name; its alias and compiled file get dbt's hashed short name.
      const accepted = manifest.nodes[JAFFLE_TEST_IDS[0]];
      expect([accepted.alias, accepted.path]).toEqual(['accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758', 'accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758.sql']);
      expect(existsSync(join(dir, 'target/compiled/jaffle_shop/models/schema.yml/accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758.sql'))).toBe(true);
      expect(readFileSync(join(dir, 'target/compiled/jaffle_shop/models/schema.yml/not_null_orders_amount.sql'), 'utf8')).toMatch(
        new RegExp(`select amount\\s+from "${target.schema}"."orders"\\s+where amount is null`),
      );

      const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
      const notNull = runResults.results.find((result: NodeResult) => result.unique_id === 'test.jaffle_shop.not_null_orders_amount.106140f9fd');
      expect(notNull).toMatchObject({ status: 'pass', failures: 0, message: null, adapter_response: { rows_affected: 1 } });
      expect(notNull.timing.map((timing: { name: string }) => timing.name)).toEqual(['compile', 'execute']);
      // Nothing stores failures, so no audit schema was made.
      expect(await count(`select count(*) from pg_namespace where nspname = '${target.schema}_dbt_test__audit'`)).toBe(0);

      // Orders from an unknown customer, with no customer, a status outside the list, and no payments.
      writeFile(
        dir,
        'models/raw/raw_orders.sql',
        `select * from (values
  (1, 1, '2018-01-01'::date, 'returned'), (2, 3, '2018-01-02'::date, 'completed'), (3, 2, '2018-01-04'::date, 'completed'),
  (4, 5, '2018-01-05'::date, 'completed'), (5, 6, '2018-01-05'::date, 'return_pending'), (6, 7, '2018-01-07'::date, 'completed'),
  (7, 1, '2018-01-09'::date, 'shipped'), (8, 8, '2018-01-11'::date, 'placed'), (9, 3, '2018-01-12'::date, 'placed'),
  (10, 4, '2018-01-14'::date, 'shipped'), (11, 99, '2018-01-15'::date, 'lost'), (12, null, '2018-01-16'::date, 'lost'),
  (13, 98, '2018-01-17'::date, 'unknown')
) as t(id, user_id, order_date, status)`,
      );
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
      const tested = await execute('test', { projectDir: dir, targetConfig: target, adapter: db.adapter });
      expect(tested.success).toBe(false);
      const results = byName(tested);
      const orders = `"${target.schema}".orders`;
      const expected = {
        relationships_orders_customer_id__customer_id__ref_customers_: await count(
          `select count(*) from ${orders} o where o.customer_id is not null and not exists (select 1 from "${target.schema}".customers c where c.customer_id = o.customer_id)`,
        ),
        not_null_orders_customer_id: await count(`select count(*) from ${orders} where customer_id is null`),
        accepted_values_orders_status__placed__shipped__completed__return_pending__returned: await count(
          `select count(distinct status) from ${orders} where status not in ('placed', 'shipped', 'completed', 'return_pending', 'returned')`,
        ),
        not_null_orders_amount: await count(`select count(*) from ${orders} where amount is null`),
        not_null_orders_gift_card_amount: await count(`select count(*) from ${orders} where gift_card_amount is null`),
      };
      expect(expected).toEqual({
        relationships_orders_customer_id__customer_id__ref_customers_: 2,
        not_null_orders_customer_id: 1,
        accepted_values_orders_status__placed__shipped__completed__return_pending__returned: 2,
        not_null_orders_amount: 3,
        not_null_orders_gift_card_amount: 3,
      });
      for (const [name, failures] of Object.entries(expected)) {
        expect(results[name], name).toMatchObject({ status: 'fail', failures, message: `Got ${failures} result${failures === 1 ? '' : 's'}, configured to fail if != 0` });
      }
      expect(results.unique_orders_order_id).toMatchObject({ status: 'pass', failures: 0 });
      removeDir(dir);
    });

    it('runs every built-in generic test: passing on clean data, and counting what an independent query counts on dirty data', async () => {
      const testsFor = (model: string) => `
  - name: ${model}
    tests:
      - expression_is_true:
          expression: "amount >= 0"
      - unique_combination_of_columns:
          combination_of_columns: [a, b]
      - equal_rowcount:
          compare_model: ref('parents')
      - not_empty
    columns:
      - name: id
        tests: [unique, not_null]
      - name: parent_id
        tests:
          - relationships:
              to: ref('parents')
              field: id
      - name: status
        tests:
          - accepted_values:
              values: ['a', 'b']
      - name: code
        tests:
          - accepted_values:
              values: [1, 2]
              quote: false
      - name: amount
        tests:
          - accepted_range:
              min_value: 0
              max_value: 100`;
      const dir = makeProject({
        'kpi_project.yml': 'name: library\nmodels:\n  library:\n    +materialized: table\n',
        'models/parents.sql': 'select * from (values (1), (2), (3)) as t(id)',
        'models/clean.sql': "select * from (values (1, 1, 'a', 1, 10, 'x', 1), (2, 2, 'b', 2, 20, 'x', 2), (3, null, 'a', 1, 100, 'y', 1)) as t(id, parent_id, status, code, amount, a, b)",
        'models/dirty.sql': `select * from (values
  (1, 1, 'a', 1, 10, 'x', 1),
  (2, 2, 'b', 2, 20, 'x', 1),
  (2, 9, 'c', 3, -5, 'y', 2),
  (3, null, 'd', 3, 150, 'y', 3),
  (4, 8, null, 1, null, 'z', 1),
  (null, 9, 'c', 2, 50, 'z', 1)
) as t(id, parent_id, status, code, amount, a, b)`,
        'models/empty.sql': 'select 1 as id where false',
        'models/events_recent.sql': "select now() - interval '2 hours' as loaded_at",
        'models/events_old.sql': "select now() - interval '3 days' as loaded_at union all select now() - interval '5 days'",
        'models/schema.yml': `version: 2
models:${testsFor('clean')}${testsFor('dirty')}
  - name: empty
    tests: [not_empty]
  - name: events_recent
    tests:
      - recency: {datepart: day, field: loaded_at, interval: 1}
  - name: events_old
    tests:
      - recency: {datepart: day, field: loaded_at, interval: 1}
`,
      });
      const target = db.target();
      const summary = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter });
      const results = byName(summary);
      for (const [name, result] of Object.entries(results)) {
        if (name.includes('_clean_') || name === 'recency_events_recent_day__loaded_at__1' || name === 'not_empty_dirty_') expect(result, name).toMatchObject({ status: 'pass', failures: 0 });
      }
      const dirty = `"${target.schema}".dirty`;
      const expected: Record<string, number> = {
        unique_dirty_id: await count(`select count(*) from (select id from ${dirty} where id is not null group by id having count(*) > 1) d`),
        not_null_dirty_id: await count(`select count(*) from ${dirty} where id is null`),
        relationships_dirty_parent_id__id__ref_parents_: await count(`select count(*) from ${dirty} d where parent_id is not null and parent_id not in (select id from "${target.schema}".parents)`),
        accepted_values_dirty_status__a__b: await count(`select count(distinct status) from ${dirty} where status not in ('a', 'b')`),
        accepted_values_dirty_code__False__1__2: await count(`select count(distinct code) from ${dirty} where code not in (1, 2)`),
        accepted_range_dirty_amount__100__0: await count(`select count(*) from ${dirty} where amount < 0 or amount > 100`),
        expression_is_true_dirty_amount_0: await count(`select count(*) from ${dirty} where not (amount >= 0)`),
        unique_combination_of_columns_dirty_a__b: await count(`select count(*) from (select a, b from ${dirty} group by a, b having count(*) > 1) d`),
        equal_rowcount_dirty_ref_parents_: await count(`select abs((select count(*) from ${dirty}) - (select count(*) from "${target.schema}".parents))`),
        not_empty_empty_: await count(`select case when exists (select 1 from "${target.schema}".empty) then 0 else 1 end`),
        recency_events_old_day__loaded_at__1: await count(`select count(*) from (select max(loaded_at) as newest from "${target.schema}".events_old) r where newest < now() - interval '1 day'`),
      };
      // The dirty rows were written to break each rule a known number of times.
      expect(expected).toEqual({
        unique_dirty_id: 1,
        not_null_dirty_id: 1,
        relationships_dirty_parent_id__id__ref_parents_: 3,
        accepted_values_dirty_status__a__b: 2,
        accepted_values_dirty_code__False__1__2: 1,
        accepted_range_dirty_amount__100__0: 2,
        expression_is_true_dirty_amount_0: 1,
        unique_combination_of_columns_dirty_a__b: 2,
        equal_rowcount_dirty_ref_parents_: 3,
        not_empty_empty_: 1,
        recency_events_old_day__loaded_at__1: 1,
      });
      for (const [name, failures] of Object.entries(expected)) expect(results[name], name).toMatchObject({ status: 'fail', failures });
      expect(Object.values(results).filter((result) => result.status === 'fail')).toHaveLength(Object.keys(expected).length);
      // equal_rowcount sets its own fail_calc from inside its macro, as dbt-utils does.
      expect(summary.manifest.nodes[results.equal_rowcount_dirty_ref_parents_.unique_id].config.fail_calc).toBe('sum(coalesce(diff_count, 0))');
      removeDir(dir);
    });

    it('applies severity, warn_if / error_if, where, limit and fail_calc from YAML and from the project file', async () => {
      const target = db.target();
      const dir = makeProject({
        'kpi_project.yml': `name: cfg
models:
  cfg:
    +materialized: table
data_tests:
  cfg:
    lenient:
      +severity: warn
`,
        'models/readings.sql': `select * from (values
  (1, 'east', null), (2, 'east', null), (3, 'east', null), (4, 'west', null), (5, 'west', null),
  (6, 'east', 1.5), (7, 'west', 2.5), (8, 'north', 3.5), (9, 'north', 4.5)
) as t(id, region, amount)`,
        'models/lenient/lenient_readings.sql': "select * from {{ ref('readings') }}",
        'models/schema.yml': `version: 2
models:
  - name: readings
    columns:
      - name: amount
        tests:
          - not_null:
              name: nulls_error
          - not_null:
              name: nulls_warn
              config:
                severity: warn
          - not_null:
              name: nulls_warn_over_3_error_over_10
              config:
                warn_if: ">3"
                error_if: ">10"
          - not_null:
              name: nulls_error_over_3
              config:
                error_if: ">3"
          - not_null:
              name: nulls_warn_only_over_10
              severity: warn
              warn_if: ">10"
          - not_null:
              name: nulls_in_east
              config:
                where: "region = '{{ var('region', 'east') }}'"
          - not_null:
              name: nulls_limited
              config:
                limit: 2
      - name: region
        tests:
          - accepted_values:
              name: rows_outside_east_west
              arguments:
                values: ['east', 'west']
              config:
                fail_calc: sum(n_records)
sources:
  - name: src
    schema: ${target.schema}
    tables:
      - name: readings
        columns:
          - name: amount
            tests:
              - not_null:
                  config:
                    severity: warn
`,
        'models/lenient/schema.yml': `version: 2
models:
  - name: lenient_readings
    columns:
      - name: amount
        tests:
          - not_null
          - not_null:
              name: strict_again
              config:
                severity: error
`,
      });
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
      const summary = await execute('test', { projectDir: dir, targetConfig: target, adapter: db.adapter });
      const results = byName(summary);
      const readings = `"${target.schema}".readings`;
      const nulls = await count(`select count(*) from ${readings} where amount is null`);
      const eastNulls = await count(`select count(*) from ${readings} where amount is null and region = 'east'`);
      const outside = await count(`select count(*) from ${readings} where region not in ('east', 'west')`);
      expect([nulls, eastNulls, outside]).toEqual([5, 3, 2]);
      expect(results.nulls_error).toMatchObject({ status: 'fail', failures: nulls, message: 'Got 5 results, configured to fail if != 0' });
      expect(results.nulls_warn).toMatchObject({ status: 'warn', failures: nulls, message: 'Got 5 results, configured to warn if != 0' });
      expect(results.nulls_warn_over_3_error_over_10).toMatchObject({ status: 'warn', failures: nulls, message: 'Got 5 results, configured to warn if >3' });
      expect(results.nulls_error_over_3).toMatchObject({ status: 'fail', failures: nulls, message: 'Got 5 results, configured to fail if >3' });
      expect(results.nulls_warn_only_over_10).toMatchObject({ status: 'pass', failures: 0 });
      expect(results.nulls_in_east).toMatchObject({ status: 'fail', failures: eastNulls });
      expect(results.nulls_limited).toMatchObject({ status: 'fail', failures: 2 });
      expect(results.rows_outside_east_west).toMatchObject({ status: 'fail', failures: outside });
      // The project file makes tests under models/lenient warn; a test's own config still wins.
      expect(results.not_null_lenient_readings_amount).toMatchObject({ status: 'warn', failures: nulls });
      expect(results.strict_again).toMatchObject({ status: 'fail', failures: nulls });
      // A test on a source column: dbt's source_ prefix, an edge from the source, no attached node.
      expect(results.source_not_null_src_readings_amount).toMatchObject({ status: 'warn', failures: nulls });
      expect(summary.manifest.nodes[results.source_not_null_src_readings_amount.unique_id]).toMatchObject({
        depends_on: { nodes: ['source.cfg.src.readings'] },
        attached_node: null,
        test_metadata: { kwargs: { model: "{{ get_where_subquery(source('src', 'readings')) }}" } },
      });
      expect(readFileSync(join(dir, 'target/compiled/cfg/models/schema.yml/nulls_in_east.sql'), 'utf8')).toContain(
        `from (select * from "${target.schema}"."readings" where region = 'east') dbt_subquery`,
      );
      // Warnings alone do not fail a run.
      const lenient = await execute('test', { projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['lenient_readings'], exclude: ['strict_again'] });
      expect(statuses(lenient)).toEqual({ not_null_lenient_readings_amount: 'warn' });
      expect(lenient.success).toBe(true);
      removeDir(dir);
    });

    it('stores failing rows in <schema>_dbt_test__audit, named after the test, and replaces them on the next run', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: audit\nmodels:\n  audit:\n    +materialized: table\n',
        'models/m.sql': "select * from (values (1, 'a'), (1, 'b'), (2, null), (3, null), (3, 'c'), (3, 'd')) as t(id, label)",
        'models/schema.yml': `version: 2
models:
  - name: m
    columns:
      - name: id
        tests:
          - unique:
              config:
                store_failures: true
      - name: label
        tests:
          - not_null:
              config:
                store_failures_as: view
          - accepted_values:
              values: ['a', 'b', 'c', 'd']
          - accepted_values:
              values: ['first value in a long list', 'second value in a long list', 'third']
              config:
                store_failures: true
                severity: warn
                where: "false"
`,
      });
      const target = db.target();
      const audit = `${target.schema}_dbt_test__audit`;
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
      const first = await execute('test', { projectDir: dir, targetConfig: target, adapter: db.adapter });
      const results = byName(first);
      expect(results.unique_m_id).toMatchObject({ status: 'fail', failures: 2, relation_name: `"${audit}"."unique_m_id"`, detail: { failures_relation: `"${audit}"."unique_m_id"` } });
      expect(await db.query(`select unique_field, n_records::int from "${audit}".unique_m_id order by 1`)).toEqual(
        await db.query(`select id as unique_field, count(*)::int as n_records from "${target.schema}".m group by id having count(*) > 1 order by 1`),
      );
      // Stored not_null failures keep whole rows, here in a view.
      expect(await db.query(`select table_type from information_schema.tables where table_schema = $1 and table_name = 'not_null_m_label'`, [audit])).toEqual([{ table_type: 'VIEW' }]);
      expect(await db.query(`select id, label from "${audit}".not_null_m_label order by id`)).toEqual([
        { id: 2, label: null },
        { id: 3, label: null },
      ]);
      // A long name is stored under dbt's hashed short name.
      const long = Object.values(first.manifest.nodes).find((node) => node.name.startsWith('accepted_values_m_label__first'));
      // (the first 30 characters of `<test>_<model>`, then the md5 of the full name)
      expect(long?.alias).toMatch(/^accepted_values_m_[0-9a-f]{32}$/);
      expect(await count(`select count(*) from "${audit}"."${long?.alias}"`)).toBe(0);
      // Without store_failures nothing is kept.
      expect(await db.query('select table_name from information_schema.tables where table_schema = $1 order by 1', [audit])).toEqual(
        [{ table_name: long?.alias }, { table_name: 'not_null_m_label' }, { table_name: 'unique_m_id' }].sort((a, b) => String(a.table_name).localeCompare(String(b.table_name))),
      );

      // --store-failures keeps every test's rows; fixed data empties the stored failures.
      writeFile(dir, 'models/m.sql', "select * from (values (1, 'a'), (2, 'b')) as t(id, label)");
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
      const second = await execute('test', { projectDir: dir, targetConfig: target, adapter: db.adapter, storeFailures: true });
      expect(second.success).toBe(true);
      expect(await count(`select count(*) from "${audit}".unique_m_id`)).toBe(0);
      expect(await count(`select count(*) from "${audit}".not_null_m_label`)).toBe(0);
      expect(await count(`select count(*) from "${audit}".accepted_values_m_label__a__b__c__d`)).toBe(0);
      removeDir(dir);
    });

    it('runs custom generic tests from macros/ and tests/generic/, and lets a project override a built-in test', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: custom\nmodels:\n  custom:\n    +materialized: table\n',
        'models/numbers.sql': 'select * from (values (1, 10), (2, 20), (3, 30), (3, 35), (null, 40), (null, 50), (7, 60)) as t(n, v)',
        'models/totals.sql': 'select 100 as total',
        'macros/custom_tests.sql': `{% test is_even(model, column_name) %}
select * from {{ model }} where {{ column_name }} % 2 <> 0
{% endtest %}

{% test below_total(model, column_name) %}
select * from {{ model }} where {{ column_name }} > (select total from {{ ref('totals') }}) / 2
{% endtest %}

{#- This project counts null as a value that must be unique too. -#}
{% test unique(model, column_name) %}
select {{ column_name }} from {{ model }} group by {{ column_name }} having count(*) > 1
{% endtest %}`,
        'tests/generic/at_most.sql': `{% test at_most(model, column_name, max_value, inclusive=true) %}
select * from {{ model }} where {{ column_name }} {{ '>' if inclusive else '>=' }} {{ max_value }}
{% endtest %}`,
        'models/schema.yml': `version: 2
models:
  - name: numbers
    columns:
      - name: n
        tests:
          - is_even
          - unique
          - at_most:
              arguments:
                max_value: 3
              config:
                severity: warn
          - at_most:
              name: n_below_3
              max_value: 3
              inclusive: false
              where: "v < 40"
      - name: v
        tests:
          - below_total
`,
      });
      const target = db.target();
      const summary = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter });
      const results = byName(summary);
      const numbers = `"${target.schema}".numbers`;
      expect(results.is_even_numbers_n).toMatchObject({ status: 'fail', failures: await count(`select count(*) from ${numbers} where n % 2 <> 0`) });
      expect(results.unique_numbers_n).toMatchObject({ status: 'fail', failures: await count(`select count(*) from (select n from ${numbers} group by n having count(*) > 1) d`) });
      expect(results.unique_numbers_n.failures).toBe(2);
      expect(results.at_most_numbers_n__3).toMatchObject({ status: 'warn', failures: await count(`select count(*) from ${numbers} where n > 3`) });
      expect(results.n_below_3).toMatchObject({ status: 'fail', failures: await count(`select count(*) from ${numbers} where v < 40 and n >= 3`) });
      expect(results.below_total_numbers_v).toMatchObject({ status: 'fail', failures: await count(`select count(*) from ${numbers} where v > 50`) });
      // A ref inside a test macro is an edge, as in dbt.
      const belowTotal = summary.manifest.nodes[results.below_total_numbers_v.unique_id];
      expect(belowTotal.depends_on).toEqual({ nodes: ['model.custom.numbers', 'model.custom.totals'], macros: ['macro.custom.test_below_total', 'macro.dbt.get_where_subquery'] });
      expect(summary.manifest.nodes[results.unique_numbers_n.unique_id].depends_on.macros[0]).toBe('macro.custom.test_unique');
      // kpi compile writes a generic test where dbt does: inside a folder named after its YAML file.
      const [compiled] = await compile({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['is_even_numbers_n'] });
      expect(compiled.path).toBe('target/compiled/custom/models/schema.yml/is_even_numbers_n.sql');
      expect(compiled.sql.trim()).toBe(`select * from "${target.schema}"."numbers" where n % 2 <> 0`);
      removeDir(dir);
    });

    it('runs singular tests with their own config and refs, and reports a broken one with its compiled file and line', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: singular\nmodels:\n  singular:\n    +materialized: table\n',
        'models/payments.sql': 'select * from (values (1, 10), (2, -5), (3, -1), (4, 7)) as t(id, amount)',
        'tests/assert_no_refunds.sql': "{{ config(severity='warn', tags=['finance']) }}\nselect * from {{ ref('payments') }} where amount < 0",
        'tests/checks/assert_broken.sql': "select id,\n  no_such_column\nfrom {{ ref('payments') }}",
      });
      const target = db.target();
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
      const tested = await execute('test', { projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['tag:finance', 'test_type:singular,assert_broken'] });
      const results = byName(tested);
      expect(Object.keys(results).sort()).toEqual(['assert_broken', 'assert_no_refunds']);
      expect(results.assert_no_refunds).toMatchObject({
        status: 'warn',
        failures: await count(`select count(*) from "${target.schema}".payments where amount < 0`),
        detail: { compiled_path: 'target/compiled/singular/tests/assert_no_refunds.sql' },
      });
      expect(results.assert_broken.status).toBe('error');
      expect(results.assert_broken.error_code).toBe('KPI_DATABASE_ERROR');
      expect(results.assert_broken.message).toMatch(/Database error in test assert_broken at target\/compiled\/singular\/tests\/checks\/assert_broken\.sql:2:\d+: .*no_such_column/);
      expect(tested.manifest.nodes['test.singular.assert_broken']).toMatchObject({ fqn: ['singular', 'checks', 'assert_broken'], depends_on: { nodes: ['model.singular.payments'] } });
      const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
      expect(runResults.results.map((result: NodeResult) => [result.unique_id, result.status, result.failures])).toEqual([
        ['test.singular.assert_broken', 'error', null],
        ['test.singular.assert_no_refunds', 'warn', 2],
      ]);
      removeDir(dir);
    });
  });
}
