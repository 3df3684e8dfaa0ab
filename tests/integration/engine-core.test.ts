import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, list, parse, run, show } from '../../src/api.js';
import { KpiError } from '../../src/errors.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { eventLog } from '../helpers/events.js';
import { copyFixture, makeProject, removeDir, writeFile } from '../helpers/fixtures.js';

for (const kind of databaseKinds()) {
  describe(`engine core on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    async function relations(...schemas: string[]) {
      return db.query<{ schema: string; name: string; type: string }>(
        `select table_schema as schema, table_name as name, table_type as type from information_schema.tables
         where table_schema = any($1) order by table_schema, table_name`,
        [schemas],
      );
    }

    it('runs a dbt project unchanged: views, tables, ephemerals, macros, vars, loops, custom schemas', async () => {
      const dir = copyFixture('jaffle_shop');
      const target = db.target();
      const log = eventLog();
      const summary = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, onEvent: log.onEvent });
      expect(summary.results.map((result) => [result.unique_id, result.status])).toEqual([
        ['model.jaffle_shop.stg_customers', 'success'],
        ['model.jaffle_shop.stg_orders', 'success'],
        ['model.jaffle_shop.stg_payments', 'success'],
        ['model.jaffle_shop.customers', 'success'],
        ['model.jaffle_shop.orders', 'success'],
      ]);
      expect(summary.success).toBe(true);
      expect(log.diagnostics()).toEqual([]);

      // staging views in <schema>_staging (dbt's generate_schema_name), marts tables in the target schema, no ephemerals.
      expect(await relations(target.schema, `${target.schema}_staging`)).toEqual([
        { schema: target.schema, name: 'customers', type: 'BASE TABLE' },
        { schema: target.schema, name: 'orders', type: 'BASE TABLE' },
        { schema: `${target.schema}_staging`, name: 'stg_customers', type: 'VIEW' },
        { schema: `${target.schema}_staging`, name: 'stg_orders', type: 'VIEW' },
        { schema: `${target.schema}_staging`, name: 'stg_payments', type: 'VIEW' },
      ]);

      // The for-loop over var('payment_methods') made one column per method; amounts are cents/100 via the macro.
      const orders = await db.query<Record<string, string>>(
        `select order_id, credit_card_amount, coupon_amount, bank_transfer_amount, gift_card_amount, amount from "${target.schema}".orders where order_id = 9`,
      );
      // (Postgres keeps numeric scale: a sum of integer zeros prints as 0, a sum with 0.00 as 0.00.)
      expect(orders).toEqual([{ order_id: 9, credit_card_amount: '0', coupon_amount: '0', bank_transfer_amount: '0.00', gift_card_amount: '23.00', amount: '23.00' }]);
      const lifetime = await db.query<{ customer_id: number; value: string | null }>(
        `select customer_id, customer_lifetime_value::text as value from "${target.schema}".customers order by customer_id`,
      );
      expect(lifetime.find((row) => row.customer_id === 53)?.value).toBe('23.00');
      expect(lifetime.find((row) => row.customer_id === 99)?.value).toBeNull();

      // persist_docs with doc() blocks, and the unique index from config.
      const comments = await db.query<{ relation: string; column: string | null }>(
        `select obj_description('"${target.schema}".customers'::regclass, 'pg_class') as relation,
                col_description('"${target.schema}".customers'::regclass, 7) as column`,
      );
      expect(comments[0].relation).toMatch(/basic information about a customer/);
      expect(comments[0].column).toBe('Total amount paid by the customer over all orders, in dollars.');
      const indexes = await db.query<{ indexdef: string }>(`select indexdef from pg_indexes where schemaname = $1 and tablename = 'customers'`, [target.schema]);
      expect(indexes.map((row) => row.indexdef)).toEqual([expect.stringMatching(/CREATE UNIQUE INDEX customers__\w+_idx ON .*customers USING btree \(customer_id\)/)]);

      // Compiled SQL lands in target/compiled with ephemerals injected as CTEs.
      const compiled = readFileSync(join(dir, 'target/compiled/jaffle_shop/models/staging/stg_orders.sql'), 'utf8');
      expect(compiled).toMatch(/^with "__dbt__cte__raw_orders" as \(/);
      const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
      expect(manifest.child_map['model.jaffle_shop.stg_orders']).toEqual(['model.jaffle_shop.customers', 'model.jaffle_shop.orders']);
      expect(manifest.nodes['model.jaffle_shop.orders'].columns.status.description).toMatch(/placed, shipped, completed/);
      const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8'));
      expect(runResults.results).toHaveLength(5);
      expect(runResults.results.find((result: { unique_id: string }) => result.unique_id === 'model.jaffle_shop.orders').adapter_response.rows_affected).toBe(10);
      removeDir(dir);
    });

    it('replaces a table without losing the views built on it, and keeps the old table when the new one fails', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: swap\nmodels:\n  swap:\n    +materialized: table\n',
        'models/base.sql': 'select g as id, g * 10 as amount from generate_series(1, 3) g',
        'models/downstream.sql': "{{ config(materialized='view') }}\nselect id, amount from {{ ref('base') }}",
      });
      const target = db.target();
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
      // A view a BI user made by hand on top of the table, with a grant and a comment.
      await db.query(`create view "${target.schema}".bi_view as select sum(amount) as total from "${target.schema}".base`);
      await db.query(`comment on view "${target.schema}".bi_view is 'made by hand'`);
      await db.query(`grant select on "${target.schema}".bi_view to public`);

      writeFile(dir, 'models/base.sql', 'select g as id, g * 100 as amount, true as flag from generate_series(1, 4) g');
      const second = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter });
      expect(second.success).toBe(true);
      expect(await db.query(`select total::int from "${target.schema}".bi_view`)).toEqual([{ total: 1000 }]);
      expect(await db.query(`select obj_description('"${target.schema}".bi_view'::regclass, 'pg_class') as comment`)).toEqual([{ comment: 'made by hand' }]);
      // An ACL entry with an empty grantee is PUBLIC's: `=r/owner` grants SELECT to everyone.
      expect(
        await db.query(
          `select exists (select from pg_class c, aclexplode(c.relacl) a where c.oid = '"${target.schema}".bi_view'::regclass and a.grantee = 0 and a.privilege_type = 'SELECT') as public_select`,
        ),
      ).toEqual([{ public_select: true }]);
      expect(await db.query(`select count(*)::int as n from "${target.schema}".downstream`)).toEqual([{ n: 4 }]);

      // A broken model: the run reports the error with the compiled file and line; the old table stays readable and unchanged.
      writeFile(dir, 'models/base.sql', 'select g as id,\n  g * 100 as amount,\n  no_such_column as flag\nfrom generate_series(1, 4) g');
      const broken = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter });
      expect(broken.success).toBe(false);
      const [baseResult, downstreamResult] = broken.results;
      expect(baseResult.status).toBe('error');
      expect(baseResult.error_code).toBe('KPI_DATABASE_ERROR');
      expect(baseResult.message).toMatch(/target\/compiled\/swap\/models\/base\.sql:3:\d+.*no_such_column/);
      expect(downstreamResult.status).toBe('skipped');
      expect(await db.query(`select count(*)::int as n, sum(amount)::int as total from "${target.schema}".base`)).toEqual([{ n: 4, total: 1000 }]);
      expect(await db.query(`select total::int from "${target.schema}".bi_view`)).toEqual([{ total: 1000 }]);

      // A change that would break the hand-made view is refused as a whole: the old table stays.
      writeFile(dir, 'models/base.sql', 'select g as id from generate_series(1, 2) g');
      writeFile(dir, 'models/downstream.sql', "{{ config(materialized='view') }}\nselect id from {{ ref('base') }}");
      const breaking = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['base'] });
      expect(breaking.results[0].status).toBe('error');
      expect(breaking.results[0].message).toMatch(/breaks views that depend on it/);
      expect(await db.query(`select count(*)::int as n from "${target.schema}".base`)).toEqual([{ n: 4 }]);
      removeDir(dir);
    });

    it('turns a view into a table and back, and replaces a view whose columns changed', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: kinds\n',
        'models/m.sql': "{{ config(materialized='view') }}\nselect 1 as a",
        'models/user_of_m.sql': "{{ config(materialized='view') }}\nselect * from {{ ref('m') }}",
      });
      const target = db.target();
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
      writeFile(dir, 'models/m.sql', "{{ config(materialized='view') }}\nselect 'x'::text as a");
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['m'] })).success).toBe(true);
      expect(await db.query(`select a from "${target.schema}".user_of_m`)).toEqual([{ a: 'x' }]);
      writeFile(dir, 'models/m.sql', "{{ config(materialized='table') }}\nselect 'y'::text as a");
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['m'] })).success).toBe(true);
      expect(await relations(target.schema)).toEqual([
        { schema: target.schema, name: 'm', type: 'BASE TABLE' },
        { schema: target.schema, name: 'user_of_m', type: 'VIEW' },
      ]);
      expect(await db.query(`select a from "${target.schema}".user_of_m`)).toEqual([{ a: 'y' }]);
      removeDir(dir);
    });

    it('gathers statistics on a new table for the next model, leaving out its json documents', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: stats\n',
        'models/wide.sql': "{{ config(materialized='table') }}\nselect g as id, g % 7 as weekday, jsonb_build_object('id', g) as payload from generate_series(1, 40) g",
        'models/plain.sql': "{{ config(materialized='table') }}\nselect g as id from generate_series(1, 30) g",
      });
      const target = db.target();
      expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
      // Under autovacuum's threshold (50 changed rows), so only kpi's analyze can have run.
      const stats = await db.query<{ table: string; column: string }>(`select tablename as table, attname as column from pg_stats where schemaname = $1 order by tablename, attname`, [target.schema]);
      expect(stats).toEqual([
        { table: 'plain', column: 'id' },
        { table: 'wide', column: 'id' },
        { table: 'wide', column: 'weekday' },
      ]);
      removeDir(dir);
    });

    it('runs hooks, aliases, project macros that override schema naming, and selections', async () => {
      const dir = makeProject({
        'kpi_project.yml': [
          'name: hooks',
          'on-run-start: ["create table if not exists {{ target.schema }}.audit (event text)"]',
          `on-run-end: ["insert into {{ target.schema }}.audit values ('end ' || {{ results | length }})"]`,
          'models:',
          '  hooks:',
          '    +post-hook: "insert into {{ target.schema }}.audit values (\'post {{ this.name }}\')"',
        ].join('\n'),
        'macros/generate_schema_name.sql': `{% macro generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ target.schema }}_{{ custom_schema_name }}_custom{%- endif -%}
{%- endmacro %}`,
        'models/a.sql': "{{ config(materialized='table', alias='a_alias', schema='extra', pre_hook=\"insert into {{ target.schema }}.audit values ('pre')\") }}\nselect 1 as x",
        'models/b.sql': "select * from {{ ref('a') }}",
      });
      const target = db.target();
      const summary = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter });
      expect(summary.success).toBe(true);
      expect(await db.query(`select * from "${target.schema}_extra_custom".a_alias`)).toEqual([{ x: 1 }]);
      expect((await db.query<{ event: string }>(`select event from "${target.schema}".audit`)).map((row) => row.event)).toEqual(['pre', 'post a_alias', 'post b', 'end 2']);
      const compiled = await compile({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['b'] });
      expect(compiled[0].sql).toBe(`select * from "${target.schema}_extra_custom"."a_alias"`);
      expect(await list({ projectDir: dir, targetConfig: target, select: ['+b'], output: 'name' })).toEqual(['a', 'b']);
      const preview = await show({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['b'] });
      expect(preview.rows).toEqual([{ x: 1 }]);
      removeDir(dir);
    });

    it('reports bad projects with typed errors that say where', async () => {
      const target = db.target();
      const cases: Array<{ files: Record<string, string>; code: string; message: RegExp; file?: string; line?: number }> = [
        { files: { 'models/a.sql': "select * from {{ ref('orderz') }}", 'models/orders.sql': 'select 1' }, code: 'KPI_REF_NOT_FOUND', message: /Did you mean 'orders'/, file: 'models/a.sql', line: 1 },
        { files: { 'models/a.sql': "select * from {{ ref('b') }}", 'models/b.sql': "select * from {{ ref('a') }}" }, code: 'KPI_DAG_CYCLE', message: /a -> b -> a/ },
        { files: { 'models/a.sql': 'select 1\n\n{{ undefined_macro() }}' }, code: 'KPI_TEMPLATE_ERROR', message: /undefined_macro/, file: 'models/a.sql', line: 3 },
        { files: { 'models/a.sql': "{{ config(materalized='table') }}\nselect 1" }, code: 'KPI_CONFIG_UNKNOWN_KEY', message: /Did you mean 'materialized'/, file: 'models/a.sql', line: 1 },
        { files: { 'models/a.sql': "{{ config(materialized='tabel') }}\nselect 1" }, code: 'KPI_MATERIALIZATION_UNKNOWN', message: /Did you mean 'table'/ },
        { files: { 'models/a.sql': "select * from {{ source('raw', 'x') }}" }, code: 'KPI_SOURCE_NOT_FOUND', message: /source\('raw', 'x'\)/ },
      ];
      for (const testCase of cases) {
        const dir = makeProject({ 'kpi_project.yml': 'name: bad\n', ...testCase.files });
        const error = await parse({ projectDir: dir, targetConfig: target }).catch((caught: unknown) => caught);
        expect(error, testCase.code).toBeInstanceOf(KpiError);
        expect((error as KpiError).code).toBe(testCase.code);
        expect((error as KpiError).message).toMatch(testCase.message);
        if (testCase.file) expect((error as KpiError).location).toMatchObject({ file: testCase.file, line: testCase.line });
        removeDir(dir);
      }
      const badYaml = makeProject({ 'kpi_project.yml': 'name: bad\nmodels:\n  bad:\n    +materialized: [table\n' });
      const yamlError = (await parse({ projectDir: badYaml, targetConfig: target }).catch((caught: unknown) => caught)) as KpiError;
      expect(yamlError.code).toBe('KPI_YAML_INVALID');
      expect(yamlError.location?.file).toBe('kpi_project.yml');
      removeDir(badYaml);
    });
  });
}
