import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunOptions, type RunSummary } from '../../src/api.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';
import { tableColumns, tableRows } from '../helpers/tables.js';

interface Fixture {
  dir: string;
  target: TargetConfig;
  raw: string;
  schema: string;
  run(options?: RunOptions): Promise<RunSummary>;
  model(name: string, sql: string): void;
  rows(table: string): Promise<Record<string, unknown>[]>;
  columns(table: string): Promise<string[]>;
  done(): void;
}

for (const kind of databaseKinds()) {
  describe(`incremental models on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    /** A project whose models read `raw.<table>` sources in a schema of their own; `setup` fills it. */
    async function fixture(models: Record<string, string>, setup: string[], tables: string[]): Promise<Fixture> {
      const target = db.target();
      const raw = `${target.schema}_raw`;
      await db.query(`create schema "${raw}"`);
      await db.query(`create schema "${target.schema}"`);
      for (const statement of setup) await db.query(statement.replaceAll('raw.', `"${raw}".`));
      const dir = makeProject({
        'kpi_project.yml': 'name: inc\n',
        'models/sources.yml': `sources:\n  - name: raw\n    schema: ${raw}\n    tables:\n${tables.map((table) => `      - name: ${table}\n`).join('')}`,
        ...Object.fromEntries(Object.entries(models).map(([name, sql]) => [`models/${name}.sql`, sql])),
      });
      return {
        dir,
        target,
        raw,
        schema: target.schema,
        run: (options = {}) => run({ projectDir: dir, targetConfig: target, adapter: db.adapter, ...options }),
        model: (name, sql) => writeFile(dir, `models/${name}.sql`, sql),
        rows: (table) => tableRows(db, target.schema, table),
        columns: (table) => tableColumns(db, target.schema, table),
        done: () => removeDir(dir),
      };
    }

    const sql = (statement: string, f: Fixture) => db.query(statement.replaceAll('raw.', `"${f.raw}".`).replaceAll('this.', `"${f.schema}".`));
    const ok = (summary: RunSummary) =>
      expect(summary.results.map((result) => [result.unique_id, result.status, result.status === 'error' ? result.message : null])).toEqual(
        summary.results.map((result) => [result.unique_id, 'success', null]),
      );

    it('builds like a table first, then applies increments; --full-refresh and the full_refresh config rebuild it', async () => {
      const f = await fixture(
        {
          orders: `{{ config(materialized='incremental', unique_key='id') }}
select id, amount, updated_at from {{ source('raw', 'orders') }}
{% if is_incremental() %}where updated_at > (select max(updated_at) from {{ this }}){% endif %}`,
        },
        ['create table raw.orders (id int, amount int, updated_at int)', 'insert into raw.orders values (1, 10, 1), (2, 20, 1)'],
        ['orders'],
      );
      const first = await f.run();
      ok(first);
      expect(first.results[0].detail).toEqual({ strategy: 'delete+insert', mode: 'create' });
      expect(first.results[0].message).toBe('SELECT 2');
      // A BI user's view on the table lives through increments and rebuilds.
      await sql('create view this.orders_total as select sum(amount) as total from this.orders', f);

      await sql('update raw.orders set amount = 11, updated_at = 2 where id = 1', f);
      await sql('insert into raw.orders values (3, 30, 2)', f);
      const second = await f.run();
      ok(second);
      // No strategy and a unique_key: dbt-postgres's default is delete+insert.
      expect(second.results[0].detail).toEqual({ strategy: 'delete+insert', mode: 'incremental' });
      expect(second.results[0].message).toBe('INSERT 2');
      expect(await f.rows('orders')).toEqual([
        { id: 1, amount: 11, updated_at: 2 },
        { id: 2, amount: 20, updated_at: 1 },
        { id: 3, amount: 30, updated_at: 2 },
      ]);

      // An increment is computed from {{ this }}: a row changed without a newer updated_at is not picked up...
      await sql('update raw.orders set amount = 99 where id = 2', f);
      ok(await f.run());
      expect((await f.rows('orders'))[1]).toEqual({ id: 2, amount: 20, updated_at: 1 });
      // ...until a full refresh rebuilds the table from scratch, keeping the view on it.
      const refreshed = await f.run({ fullRefresh: true });
      ok(refreshed);
      expect(refreshed.results[0].detail).toEqual({ strategy: 'delete+insert', mode: 'full_refresh' });
      expect((await f.rows('orders'))[1]).toEqual({ id: 2, amount: 99, updated_at: 1 });
      expect(await sql('select total::int from this.orders_total', f)).toEqual([{ total: 140 }]);

      // full_refresh: false in the config wins over the flag (as in dbt); true always rebuilds.
      f.model('orders', `{{ config(materialized='incremental', unique_key='id', full_refresh=false) }}\nselect 1 as id, 0 as amount, 5 as updated_at`);
      expect((await f.run({ fullRefresh: true })).results[0].detail).toMatchObject({ mode: 'incremental' });
      expect(await f.rows('orders')).toEqual([
        { id: 1, amount: 0, updated_at: 5 },
        { id: 2, amount: 99, updated_at: 1 },
        { id: 3, amount: 30, updated_at: 2 },
      ]);
      f.model('orders', `{{ config(materialized='incremental', unique_key='id', full_refresh=true) }}\nselect 1 as id, 0 as amount, 5 as updated_at`);
      expect((await f.run()).results[0].detail).toMatchObject({ mode: 'full_refresh' });
      expect(await f.rows('orders')).toEqual([{ id: 1, amount: 0, updated_at: 5 }]);
      f.done();
    });

    it('replaces a view or a materialized view standing where the table goes (as dbt does)', async () => {
      const f = await fixture({ m: "{{ config(materialized='incremental') }}\nselect 1 as id" }, [], []);
      await sql('create view this.m as select 2 as id', f);
      ok(await f.run());
      expect(await f.rows('m')).toEqual([{ id: 1 }]);
      expect(await sql(`select table_type from information_schema.tables where table_schema = '${f.schema}' and table_name = 'm'`, f)).toEqual([{ table_type: 'BASE TABLE' }]);
      await sql('drop table this.m', f);
      await sql('create materialized view this.m as select 3 as id', f);
      ok(await f.run());
      expect(await sql('select id from this.m', f)).toEqual([{ id: 1 }]);
      expect(await sql(`select relkind from pg_class where oid = to_regclass('"${f.schema}".m')`, f)).toEqual([{ relkind: 'r' }]);
      f.done();
    });

    it('merges by a composite key, updating only merge_update_columns, or all but merge_exclude_columns', async () => {
      const model = (extra: string) => `{{ config(materialized='incremental', incremental_strategy='merge', unique_key=['day', 'shop'], ${extra}) }}
select day, shop, revenue, orders, note from {{ source('raw', 'daily') }}`;
      const f = await fixture(
        { daily: model("merge_update_columns=['revenue']") },
        ['create table raw.daily (day date, shop text, revenue numeric, orders int, note text)', "insert into raw.daily values ('2024-01-01', 'a', 10, 1, 'x'), ('2024-01-01', 'b', 20, 2, 'x')"],
        ['daily'],
      );
      ok(await f.run());
      await sql("update raw.daily set revenue = revenue + 1, orders = orders + 10, note = 'y'", f);
      await sql("insert into raw.daily values ('2024-01-02', 'a', 30, 3, 'y')", f);
      const merged = await f.run();
      ok(merged);
      expect(merged.results[0].message).toBe('MERGE 3');
      // Matched rows got the new revenue only; the new key (2024-01-02, a) came in whole.
      expect(await f.rows('daily')).toEqual([
        { day: '2024-01-01', shop: 'a', revenue: '11', orders: 1, note: 'x' },
        { day: '2024-01-01', shop: 'b', revenue: '21', orders: 2, note: 'x' },
        { day: '2024-01-02', shop: 'a', revenue: '30', orders: 3, note: 'y' },
      ]);
      f.model('daily', model("merge_exclude_columns=['note']"));
      ok(await f.run());
      expect(await f.rows('daily')).toEqual([
        { day: '2024-01-01', shop: 'a', revenue: '11', orders: 11, note: 'x' },
        { day: '2024-01-01', shop: 'b', revenue: '21', orders: 12, note: 'x' },
        { day: '2024-01-02', shop: 'a', revenue: '30', orders: 3, note: 'y' },
      ]);
      // A column name the model does not return is a config error with a suggestion, before any change.
      f.model('daily', model("merge_update_columns=['revenu']"));
      const bad = await f.run();
      expect(bad.results[0].error_code).toBe('KPI_CONFIG_INVALID');
      expect(bad.results[0].message).toMatch(/merge_update_columns names 'revenu'.*Did you mean 'revenue'/);
      f.done();
    });

    it('narrows the delete and the merge with incremental_predicates on DBT_INTERNAL_DEST, as dbt does', async () => {
      const model = (strategy: string) => `{{ config(materialized='incremental', incremental_strategy='${strategy}', unique_key='id',
  incremental_predicates=["DBT_INTERNAL_DEST.day >= date '2024-01-02'", "DBT_INTERNAL_DEST.id < 100 or DBT_INTERNAL_DEST.id is null"]) }}
select id, day, v from {{ source('raw', 'events') }}
{% if is_incremental() %}where v > 1{% endif %}`;
      const f = await fixture(
        { by_delete: model('delete+insert'), by_merge: model('merge') },
        ['create table raw.events (id int, day date, v int)', "insert into raw.events values (1, '2024-01-01', 1), (2, '2024-01-02', 1)"],
        ['events'],
      );
      ok(await f.run());
      await sql('update raw.events set v = 2', f);
      ok(await f.run());
      // The old version of id 1 (day 2024-01-01) is outside the predicate: it stays, the new one is added beside it.
      // The parenthesised `or` keeps narrowing instead of widening the statement.
      const expected = [
        { id: 1, day: '2024-01-01', v: 1 },
        { id: 1, day: '2024-01-01', v: 2 },
        { id: 2, day: '2024-01-02', v: 2 },
      ];
      expect(await f.rows('by_delete')).toEqual(expected);
      expect(await f.rows('by_merge')).toEqual(expected);
      f.done();
    });

    it('treats null keys as dbt does: a row whose key has a null never matches, so it is inserted again', async () => {
      const model = (strategy: string) => `{{ config(materialized='incremental', incremental_strategy='${strategy}', unique_key=['k1', 'k2']) }}
select k1, k2, v from {{ source('raw', 'keyed') }}`;
      const f = await fixture(
        { null_delete: model('delete+insert'), null_merge: model('merge') },
        ['create table raw.keyed (k1 int, k2 text, v int)', "insert into raw.keyed values (1, 'a', 1), (null, 'b', 1)"],
        ['keyed'],
      );
      ok(await f.run());
      ok(await f.run());
      for (const table of ['null_delete', 'null_merge']) {
        expect(await f.rows(table)).toEqual([
          { k1: 1, k2: 'a', v: 1 },
          { k1: null, k2: 'b', v: 1 },
          { k1: null, k2: 'b', v: 1 },
        ]);
      }
      f.done();
    });

    describe('on_schema_change', () => {
      const model = (mode: string | null, columns: string) =>
        `{{ config(materialized='incremental', unique_key='id'${mode ? `, on_schema_change='${mode}'` : ''}) }}
select ${columns} from {{ source('raw', 'wide') }}
{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}`;
      const setup = ['create table raw.wide (id int, a int, b text, c varchar(5), d int)', "insert into raw.wide values (1, 1, 'one', 'x', 10), (2, 2, 'two', 'y', 20)"];
      const original = 'id, a, b, c';
      // The model drops b, adds d, makes c longer and a text.
      const changed = "id, a::text as a, c || '-long' as c, d";
      const addRow = (f: Fixture) => sql("insert into raw.wide values (3, 3, 'three', 'z', 30)", f);

      it('ignore (the default) keeps the table as it is, widening only varchar columns, and fails when the model drops a column', async () => {
        const f = await fixture({ wide: model(null, original) }, setup, ['wide']);
        ok(await f.run());
        await addRow(f);
        f.model('wide', model(null, "id, a, b, c || '-long' as c, d"));
        const widened = await f.run();
        ok(widened);
        expect(widened.results[0].detail).toMatchObject({ schema_change: { on_schema_change: 'ignore', added: ['d'], removed: [], widened: ['c'] } });
        expect(await f.columns('wide')).toEqual(['id integer', 'a integer', 'b text', 'c text']);
        expect((await f.rows('wide'))[2]).toEqual({ id: 3, a: 3, b: 'three', c: 'z-long' });

        f.model('wide', model(null, changed));
        const dropped = await f.run();
        expect(dropped.results[0].error_code).toBe('KPI_SCHEMA_CHANGE');
        expect(dropped.results[0].message).toMatch(/has column\(s\) the model no longer returns \(b\).*on_schema_change='ignore'/);
        f.done();
      });

      it('fail names what changed and changes nothing', async () => {
        const f = await fixture({ wide: model('fail', original) }, setup, ['wide']);
        ok(await f.run());
        const before = await f.rows('wide');
        await addRow(f);
        f.model('wide', model('fail', changed));
        const failed = await f.run();
        expect(failed.results[0].error_code).toBe('KPI_SCHEMA_CHANGE');
        expect(failed.results[0].message).toMatch(/new in the model: d \(integer\); no longer in the model: b; type changed: a integer -> text/);
        expect(failed.results[0].message).toMatch(/hint: set on_schema_change to 'append_new_columns' or 'sync_all_columns', or rebuild the table with --full-refresh/);
        expect(await f.rows('wide')).toEqual(before);
        expect(await f.columns('wide')).toEqual(['id integer', 'a integer', 'b text', 'c character varying(5)']);
        f.done();
      });

      it('append_new_columns adds the new columns and keeps the old ones (null for new rows)', async () => {
        const f = await fixture({ wide: model('append_new_columns', original) }, setup, ['wide']);
        ok(await f.run());
        await addRow(f);
        f.model('wide', model('append_new_columns', "id, a::numeric as a, c || '-long' as c, d"));
        const appended = await f.run();
        ok(appended);
        expect(appended.results[0].detail).toMatchObject({ schema_change: { added: ['d'], removed: ['b'], retyped: ['a'], widened: ['c'] } });
        // a keeps its type (numeric is assigned to integer), c is widened, d is added; old rows have no d.
        expect(await f.columns('wide')).toEqual(['id integer', 'a integer', 'b text', 'c text', 'd integer']);
        expect(await f.rows('wide')).toEqual([
          { id: 1, a: 1, b: 'one', c: 'x', d: null },
          { id: 2, a: 2, b: 'two', c: 'y', d: null },
          { id: 3, a: 3, b: null, c: 'z-long', d: 30 },
        ]);
        f.done();
      });

      it('sync_all_columns adds, drops and retypes columns, keeping the views on the table', async () => {
        const f = await fixture({ wide: model('sync_all_columns', original) }, setup, ['wide']);
        ok(await f.run());
        // A view that reads the retyped column survives; the table keeps its identity (no rebuild).
        await sql('create view this.wide_a as select id, a from this.wide', f);
        const oid = await sql(`select '"${f.schema}".wide'::regclass::oid::int as oid`, f);
        await addRow(f);
        f.model('wide', model('sync_all_columns', changed));
        const synced = await f.run();
        ok(synced);
        expect(synced.results[0].detail).toMatchObject({ schema_change: { on_schema_change: 'sync_all_columns', added: ['d'], removed: ['b'], retyped: ['a'] } });
        expect(await f.columns('wide')).toEqual(['id integer', 'a text', 'c text', 'd integer']);
        expect(await f.rows('wide')).toEqual([
          { id: 1, a: '1', c: 'x', d: null },
          { id: 2, a: '2', c: 'y', d: null },
          { id: 3, a: '3', c: 'z-long', d: 30 },
        ]);
        expect(await sql('select id, a from this.wide_a order by id', f)).toEqual([
          { id: 1, a: '1' },
          { id: 2, a: '2' },
          { id: 3, a: '3' },
        ]);
        expect(await sql(`select '"${f.schema}".wide'::regclass::oid::int as oid`, f)).toEqual(oid);

        // Dropping a column a view uses is refused as a whole: the table and the view stay as they were.
        await sql('create view this.wide_c as select id, c from this.wide', f);
        const before = await f.rows('wide');
        await sql("insert into raw.wide values (4, 4, 'four', 'w', 40)", f);
        f.model('wide', model('sync_all_columns', 'id, a::text as a, d'));
        const breaking = await f.run();
        expect(breaking.results[0].error_code).toBe('KPI_SCHEMA_CHANGE');
        expect(breaking.results[0].message).toMatch(/breaks views that depend on it .*wide_c/);
        expect(await f.rows('wide')).toEqual(before);
        expect(await sql('select count(*)::int as n from this.wide_c', f)).toEqual([{ n: 3 }]);
        f.done();
      });
    });

    it('leaves the table exactly as it was when applying an increment fails', async () => {
      const f = await fixture(
        {
          guarded: `{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='id', on_schema_change='sync_all_columns',
  indexes=[{'columns': ['id'], 'unique': true}], post_hook="{{ var('post_hook', 'select 1') }}") }}
select id, v{{ var('extra_column', '') }} from {{ source('raw', 'items') }}`,
          merged: `{{ config(materialized='incremental', incremental_strategy='merge', unique_key='id', on_schema_change='append_new_columns') }}
select id, v{{ var('extra_column', '') }} from {{ source('raw', 'items') }}`,
        },
        ['create table raw.items (id int, v int)', 'insert into raw.items values (1, 1), (2, 2), (3, 3)'],
        ['items'],
      );
      ok(await f.run());
      await sql('update raw.items set v = v * 10', f);
      const before = { guarded: await f.rows('guarded'), merged: await f.rows('merged') };
      const columnsBefore = { guarded: await f.columns('guarded'), merged: await f.columns('merged') };
      const unchanged = async () => {
        expect({ guarded: await f.rows('guarded'), merged: await f.rows('merged') }).toEqual(before);
        expect({ guarded: await f.columns('guarded'), merged: await f.columns('merged') }).toEqual(columnsBefore);
        expect(await sql(`select count(*)::int as n from pg_class where relname like '%kpi_incr%'`, f)).toEqual([{ n: 0 }]);
      };
      // Duplicate keys among the new rows, with a new column on the way: the unique index rejects the
      // insert after the delete and the ALTER already ran; the merge cannot affect a row twice.
      await sql('insert into raw.items values (2, 99)', f);
      const duplicate = await f.run({ vars: { extra_column: ', v * 2 as doubled' } });
      expect(duplicate.results.map((result) => result.status)).toEqual(['error', 'error']);
      expect(duplicate.results[0].message).toMatch(/duplicate key value violates unique constraint/);
      expect(duplicate.results[1].message).toMatch(/MERGE command cannot affect row a second time/);
      await unchanged();
      await sql('delete from raw.items where v = 99', f);
      // A post-hook that fails inside the transaction undoes the whole increment.
      const hook = await f.run({ select: ['guarded'], vars: { post_hook: 'select 1 / 0' } });
      expect(hook.results[0].message).toMatch(/division by zero/);
      await unchanged();
      // And once the cause is gone, the same increment applies.
      ok(await f.run());
      expect(await f.rows('guarded')).toEqual([
        { id: 1, v: 10 },
        { id: 2, v: 20 },
        { id: 3, v: 30 },
      ]);
      f.done();
    });

    it('runs hooks in and around the transaction, keeps docs and grants as configured, and adds indexes added to the config', async () => {
      const model = (grants: string, indexes: string) => `{{ config(materialized='incremental', unique_key='id', persist_docs={'relation': true, 'columns': true},
  grants={${grants}}, indexes=[${indexes}],
  pre_hook=[{'sql': "insert into {{ target.schema }}.audit values ('pre outside')", 'transaction': false}, "insert into {{ target.schema }}.audit values ('pre inside ' || {{ is_incremental() }})"],
  post_hook=["insert into {{ target.schema }}.audit values ('post inside')", {'sql': "insert into {{ target.schema }}.audit values ('post outside')", 'transaction': false}]) }}
select id, v from {{ source('raw', 'items') }}`;
      const f = await fixture({ documented: model("'select': ['public']", '') }, ['create table raw.items (id int, v int)', 'insert into raw.items values (1, 1)'], ['items']);
      writeFile(f.dir, 'models/documented.yml', 'models:\n  - name: documented\n    description: An incremental table\n    columns:\n      - name: v\n        description: The value\n');
      await sql(`create table "${f.schema}".audit (event text)`, f);
      ok(await f.run());
      ok(await f.run());
      expect((await sql(`select event from "${f.schema}".audit`, f)).map((row) => (row as { event: string }).event)).toEqual([
        'pre outside',
        'pre inside false',
        'post inside',
        'post outside',
        'pre outside',
        'pre inside true',
        'post inside',
        'post outside',
      ]);
      const docs = `select obj_description('"${f.schema}".documented'::regclass, 'pg_class') as relation, col_description('"${f.schema}".documented'::regclass, 2) as column,
        has_table_privilege('public', '"${f.schema}".documented', 'select') as public_select`;
      expect(await sql(docs, f)).toEqual([{ relation: 'An incremental table', column: 'The value', public_select: true }]);
      // Grantees removed from the config are revoked (the table is not rebuilt); an index added to it is created.
      f.model('documented', model("'select': []", "{'columns': ['id'], 'unique': true}"));
      ok(await f.run());
      expect(await sql(docs, f)).toEqual([{ relation: 'An incremental table', column: 'The value', public_select: false }]);
      const indexes = await sql(`select indexdef from pg_indexes where schemaname = '${f.schema}' and tablename = 'documented'`, f);
      expect(indexes).toEqual([{ indexdef: expect.stringMatching(/CREATE UNIQUE INDEX documented__\w+_idx ON .*documented USING btree \(id\)/) }]);
      // With no grants config at all, grants made outside kpi are left alone (as in dbt).
      await sql(`grant select on "${f.schema}".documented to public`, f);
      f.model('documented', model('', "{'columns': ['id'], 'unique': true}"));
      ok(await f.run());
      expect((await sql(docs, f))[0]).toMatchObject({ public_select: true });
      f.done();
    });

    it('reports invalid configs as KPI_CONFIG_INVALID with the fix, before touching the table', async () => {
      const f = await fixture({ m: "{{ config(materialized='incremental', unique_key='id') }}\nselect 1 as id" }, [], []);
      ok(await f.run());
      const cases: Array<[string, RegExp]> = [
        ["incremental_strategy='merg', unique_key='id'", /incremental_strategy='merg' is not one of append, delete\+insert, merge, microbatch\. Did you mean 'merge'\?/],
        ["incremental_strategy='merge'", /incremental_strategy='merge' needs a unique_key/],
        ["unique_key='idd'", /unique_key names 'idd', which the model does not return\. Did you mean 'id'\?/],
        ["unique_key='id', on_schema_change='append_new_column'", /Did you mean 'append_new_columns'\?/],
      ];
      for (const [config, message] of cases) {
        f.model('m', `{{ config(materialized='incremental', ${config}) }}\nselect 2 as id`);
        const result = (await f.run()).results[0];
        expect(result.error_code, config).toBe('KPI_CONFIG_INVALID');
        expect(result.message, config).toMatch(message);
        expect(result.message, config).toMatch(/^models\/m\.sql: /);
      }
      expect(await f.rows('m')).toEqual([{ id: 1 }]);
      f.done();
    });
  });
}
