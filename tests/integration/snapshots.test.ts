import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, docsGenerate, KpiError, list, retry, snapshot, type RunEvent } from '../../src/api.js';
import type { DiagnosticsError } from '../../src/support/diagnostics.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';
import { tableColumns, tableRows } from '../helpers/tables.js';

const SOURCES = (raw: string) => `sources:\n  - name: raw\n    schema: ${raw}\n    tables:\n      - name: items\n`;

/** A parse that must fail: its diagnostics as `CODE file:line message`. */
async function parseErrors(run: () => Promise<unknown>): Promise<string[]> {
  const error = await run().then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(KpiError);
  return (error as DiagnosticsError).errors.map((item) => `${item.code} ${item.location?.file}:${item.location?.line ?? '?'} ${item.message}`);
}

for (const kind of databaseKinds()) {
  describe(`snapshots on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    async function project(files: Record<string, string>) {
      const target = db.target();
      const raw = `${target.schema}_raw`;
      await db.query(`create schema "${raw}"`);
      await db.query(`create table "${raw}".items (id int, grp int, name text, updated_at timestamp)`);
      const dir = makeProject({ 'kpi_project.yml': 'name: snaps\n', 'models/sources.yml': SOURCES(raw), ...files });
      const events: RunEvent[] = [];
      const options = { projectDir: dir, targetConfig: target, adapter: db.adapter, onEvent: (event: RunEvent) => events.push(event) };
      return { dir, target, raw, options, events, rows: (name: string, schema = target.schema) => tableRows(db, schema, name) };
    }

    it('a duplicate unique_key fails with a coded error naming the key and leaves the table as it was', async () => {
      const p = await project({
        'snapshots/orders.sql': "{% snapshot orders %}\n{{ config(strategy='check', check_cols='all', unique_key='id') }}\nselect * from {{ source('raw', 'items') }}\n{% endsnapshot %}\n",
        'snapshots/pairs.sql':
          "{% snapshot pairs %}\n{{ config(strategy='timestamp', updated_at='updated_at', unique_key=['id', 'grp']) }}\nselect * from {{ source('raw', 'items') }}\n{% endsnapshot %}\n",
      });
      await db.query(`insert into "${p.raw}".items values (1, 1, 'a', '2024-01-01'), (2, 1, 'b', '2024-01-01'), (2, 1, 'c', '2024-01-02')`);
      let summary = await snapshot(p.options);
      expect(summary.success).toBe(false);
      const byId = Object.fromEntries(summary.results.map((result) => [result.unique_id, result]));
      expect(byId['snapshot.snaps.orders'].error_code).toBe('KPI_SNAPSHOT_DUPLICATE_KEY');
      expect(byId['snapshot.snaps.orders'].message).toMatch(/unique_key id is not unique in the snapshot's query: 2 \(2 rows\)/);
      expect(byId['snapshot.snaps.pairs'].message).toMatch(/unique_key \(id, grp\) is not unique in the snapshot's query: \(2, 1\) \(2 rows\)/);
      // The first run made nothing.
      expect(await db.query(`select 1 from pg_tables where schemaname = '${p.target.schema}'`)).toEqual([]);

      await db.query(`delete from "${p.raw}".items where name = 'c'`);
      summary = await snapshot(p.options);
      expect(summary.success).toBe(true);
      const before = await p.rows('orders');
      expect(before).toHaveLength(2);
      await db.query(`update "${p.raw}".items set name = 'changed' where id = 1`);
      await db.query(`insert into "${p.raw}".items values (3, 1, 'x', '2024-01-03'), (3, 1, 'y', '2024-01-03')`);
      summary = await snapshot(p.options);
      expect(summary.results.map((result) => result.error_code)).toEqual(['KPI_SNAPSHOT_DUPLICATE_KEY', 'KPI_SNAPSHOT_DUPLICATE_KEY']);
      expect(summary.results[0].message).toMatch(/: 3 \(2 rows\)/);
      expect(await p.rows('orders')).toEqual(before);
      removeDir(p.dir);
    });

    it('a null key is refused as well: every run would add its row again', async () => {
      const p = await project({
        'snapshots/s.sql': "{% snapshot s %}{{ config(strategy='check', check_cols=['name'], unique_key='id') }} select * from {{ source('raw', 'items') }} {% endsnapshot %}",
      });
      await db.query(`insert into "${p.raw}".items values (null, 1, 'a', '2024-01-01')`);
      const summary = await snapshot(p.options);
      expect(summary.results[0].error_code).toBe('KPI_SNAPSHOT_DUPLICATE_KEY');
      expect(summary.results[0].message).toMatch(/is not unique or is null .*: null \(1 row\)/);
      removeDir(p.dir);
    });

    it('bad configs are coded errors at their position, in the block and in YAML', async () => {
      const p = await project({
        'snapshots/bad.sql': [
          '{% snapshot no_key %}',
          "{{ config(strategy='check', check_cols='all') }}",
          'select 1 as id',
          '{% endsnapshot %}',
          '{% snapshot no_strategy %}',
          '',
          "{{ config(unique_key='id') }}",
          'select 1 as id',
          '{% endsnapshot %}',
          '{% snapshot no_updated_at %}',
          "{{ config(strategy='timestamp', unique_key='id') }}",
          'select 1 as id',
          '{% endsnapshot %}',
          '{% snapshot no_check_cols %}',
          "{{ config(strategy='check', unique_key='id', hard_deletes='forget') }}",
          'select 1 as id',
          '{% endsnapshot %}',
        ].join('\n'),
        'snapshots/other_db.sql': "{% snapshot other_db %}{{ config(strategy='check', check_cols='all', unique_key='id', target_database='warehouse') }} select 1 as id {% endsnapshot %}",
        'snapshots/props.yml':
          "snapshots:\n  - name: from_yaml\n    relation: source('raw', 'items')\n    config:\n      unique_key: id\n      strategy: timestamp\n      updated_at: updated_at\n      hard_deletes: invalidate\n      invalidate_hard_deletes: true\n",
      });
      const errors = await parseErrors(() => snapshot(p.options));
      expect(errors).toEqual(
        expect.arrayContaining([
          "KPI_SNAPSHOT_INVALID snapshots/bad.sql:2 snapshot 'no_key' has no 'unique_key' config",
          "KPI_SNAPSHOT_INVALID snapshots/bad.sql:7 snapshot 'no_strategy' has no 'strategy' config",
          "KPI_SNAPSHOT_INVALID snapshots/bad.sql:11 snapshot 'no_updated_at' uses strategy='timestamp' and has no 'updated_at' config",
          "KPI_SNAPSHOT_INVALID snapshots/bad.sql:15 snapshot 'no_check_cols' uses strategy='check' and has no 'check_cols' config",
          'KPI_SNAPSHOT_INVALID snapshots/bad.sql:15 snapshot \'no_check_cols\' has hard_deletes="forget"',
          "KPI_SNAPSHOT_INVALID snapshots/props.yml:8 snapshot 'from_yaml' sets both invalidate_hard_deletes and hard_deletes",
          expect.stringMatching(/^KPI_SNAPSHOT_INVALID snapshots\/other_db\.sql:1 snapshot 'other_db' has target_database='warehouse', but the target connects to '\w+'$/),
        ]),
      );
      expect(errors).toHaveLength(7);
      removeDir(p.dir);
    });

    it('a template error in a block is reported at its line in the file', async () => {
      const p = await project({
        'snapshots/s.sql': "-- history of items\n\n{% snapshot s %}\n{{ config(strategy='check', check_cols='all', unique_key='id') }}\nselect * from {{ source('raw', 'items') }\n{% endsnapshot %}\n",
      });
      const errors = await parseErrors(() => snapshot(p.options));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/^KPI_TEMPLATE_ERROR snapshots\/s\.sql:5 /);
      removeDir(p.dir);
    });

    it('a column the query does not have is named before anything is written', async () => {
      const p = await project({
        'snapshots/s.sql': "{% snapshot s %}{{ config(strategy='timestamp', updated_at='changed_at', unique_key='id') }} select * from {{ source('raw', 'items') }} {% endsnapshot %}",
      });
      const summary = await snapshot(p.options);
      expect(summary.results[0].error_code).toBe('KPI_SNAPSHOT_INVALID');
      expect(summary.results[0].message).toMatch(/updated_at names 'changed_at', which is not a column of the snapshot's query \(id, grp, name, updated_at\)/);
      removeDir(p.dir);
    });

    it('YAML snapshots, target_schema, alias and renamed meta columns; new source columns are added', async () => {
      const p = await project({
        'snapshots/props.yml': [
          'snapshots:',
          '  - name: items_history',
          "    relation: source('raw', 'items')",
          '    config:',
          '      unique_key: [id, grp]',
          '      strategy: timestamp',
          '      updated_at: updated_at',
          '      alias: items_scd',
          '      snapshot_meta_column_names: {dbt_valid_from: valid_from, dbt_valid_to: valid_to, dbt_scd_id: scd_id, dbt_updated_at: changed_at}',
          '      dbt_valid_to_current: "\'9999-12-31\'::timestamp"',
        ].join('\n'),
      });
      const history = `${p.target.schema}_history`;
      writeFile(p.dir, 'kpi_project.yml', `name: snaps\nsnapshots:\n  snaps:\n    +target_schema: ${history}\n`);
      await db.query(`insert into "${p.raw}".items values (1, 1, 'a', '2024-01-01 10:00')`);
      expect((await snapshot(p.options)).success).toBe(true);
      expect(await tableColumns(db, history, 'items_scd')).toEqual([
        'id integer',
        'grp integer',
        'name text',
        'updated_at timestamp without time zone',
        'scd_id text',
        'changed_at timestamp without time zone',
        'valid_from timestamp without time zone',
        'valid_to timestamp without time zone',
      ]);
      await db.query(`alter table "${p.raw}".items add column price numeric(8,2)`);
      await db.query(`update "${p.raw}".items set name = 'b', price = 2.5, updated_at = '2024-01-02 10:00'`);
      expect((await snapshot(p.options)).success).toBe(true);
      expect((await tableColumns(db, history, 'items_scd')).at(-1)).toBe('price numeric(8,2)');
      const rows = await db.query(`select name, price::text, valid_from::text, valid_to::text from "${history}".items_scd order by valid_from`);
      expect(rows).toEqual([
        { name: 'a', price: null, valid_from: '2024-01-01 10:00:00', valid_to: '2024-01-02 10:00:00' },
        { name: 'b', price: '2.50', valid_from: '2024-01-02 10:00:00', valid_to: '9999-12-31 00:00:00' },
      ]);
      // Twice with no source change adds nothing.
      const again = await snapshot(p.options);
      expect(again.results[0].adapter_response.rows_affected).toBe(0);
      expect(again.results[0].detail).toMatchObject({ closed: 0, inserted: 0 });
      expect(await db.query(`select count(*)::int as n from "${history}".items_scd`)).toEqual([{ n: 2 }]);
      removeDir(p.dir);
    });

    it('a varchar column the query makes longer is widened', async () => {
      const p = await project({
        'snapshots/s.sql':
          "{% snapshot s %}{{ config(strategy='check', check_cols='all', unique_key='id') }} select id, name::varchar({{ var('width', 3) }}) as name from {{ source('raw', 'items') }} {% endsnapshot %}",
      });
      await db.query(`insert into "${p.raw}".items values (1, 1, 'ann', '2024-01-01')`);
      expect((await snapshot(p.options)).success).toBe(true);
      await db.query(`update "${p.raw}".items set name = 'annabelle'`);
      expect((await snapshot({ ...p.options, vars: { width: 12 } })).success).toBe(true);
      expect((await tableColumns(db, p.target.schema, 's'))[1]).toBe('name character varying(12)');
      expect(await db.query(`select name from "${p.target.schema}".s order by dbt_valid_from`)).toEqual([{ name: 'ann' }, { name: 'annabelle' }]);
      removeDir(p.dir);
    });

    it('a failure inside the run leaves the table as it was; a view at the name is refused', async () => {
      const p = await project({
        'snapshots/s.sql':
          "{% snapshot s %}{{ config(strategy='check', check_cols='all', unique_key='id', post_hook=\"{% if var('fail', false) %}select 1/0{% endif %}\") }} select * from {{ source('raw', 'items') }} {% endsnapshot %}",
        'snapshots/v.sql': "{% snapshot v %}{{ config(strategy='check', check_cols='all', unique_key='id') }} select * from {{ source('raw', 'items') }} {% endsnapshot %}",
      });
      await db.query(`create view "${p.target.schema}".v as select 1 as id`).catch(async () => {
        await db.query(`create schema "${p.target.schema}"`);
        await db.query(`create view "${p.target.schema}".v as select 1 as id`);
      });
      await db.query(`insert into "${p.raw}".items values (1, 1, 'a', '2024-01-01')`);
      let summary = await snapshot(p.options);
      const byId = Object.fromEntries(summary.results.map((result) => [result.unique_id, result]));
      expect(byId['snapshot.snaps.v'].error_code).toBe('KPI_UNSAFE_OPERATION');
      expect(byId['snapshot.snaps.s'].status).toBe('success');
      const before = await p.rows('s');
      await db.query(`update "${p.raw}".items set name = 'b'`);
      summary = await snapshot({ ...p.options, select: ['s'], vars: { fail: true } });
      expect(summary.results[0].error_code).toBe('KPI_DATABASE_ERROR');
      expect(await p.rows('s')).toEqual(before);
      // kpi retry repeats the snapshot that failed.
      const retried = await retry({ ...p.options, vars: { fail: false } });
      expect(retried.results.map((result) => `${result.unique_id} ${result.status}`)).toEqual(['snapshot.snaps.s success']);
      expect(await db.query(`select name from "${p.target.schema}".s order by dbt_valid_from`)).toEqual([{ name: 'a' }, { name: 'b' }]);
      removeDir(p.dir);
    });

    it('build runs snapshots in DAG order with their tests; ref(), selection, ls, manifest, run_results and docs know them', async () => {
      const p = await project({
        'seeds/people.csv': 'id,name\n1,ann\n2,bob\n',
        'snapshots/people_history.sql': "{% snapshot people_history %}\n{{ config(strategy='check', check_cols='all', unique_key='id') }}\nselect * from {{ ref('people') }}\n{% endsnapshot %}\n",
        'snapshots/schema.yml': 'snapshots:\n  - name: people_history\n    description: every version of a person\n    columns:\n      - name: id\n        tests: [not_null]\n',
        'models/current_people.sql': "select id, name from {{ ref('people_history') }} where dbt_valid_to is null",
        'analyses/adhoc.sql': 'select 1',
        'models/scored.py': 'def model(dbt, session):\n    return dbt.ref("people")\n',
        'models/metrics.yml': 'metrics:\n  - name: board\n    label: Board\n    type: simple\n',
      });
      const summary = await build(p.options);
      expect(summary.results.map((result) => `${result.unique_id.replace(/\.[0-9a-f]{10}$/, '')} ${result.status}`)).toEqual([
        'seed.snaps.people success',
        'snapshot.snaps.people_history success',
        'test.snaps.not_null_people_history_id pass',
        'model.snaps.current_people success',
      ]);
      expect(await db.query(`select id, name from "${p.target.schema}".current_people order by id`)).toEqual([
        { id: 1, name: 'ann' },
        { id: 2, name: 'bob' },
      ]);
      const warnings = p.events.flatMap((event) => (event.type === 'diagnostic' ? [`${event.diagnostic.code} ${event.diagnostic.message}`] : []));
      expect(warnings).toEqual(
        expect.arrayContaining([expect.stringMatching(/^KPI_RESOURCE_UNSUPPORTED Python model models\/scored\.py/), expect.stringMatching(/^KPI_RESOURCE_UNSUPPORTED metric 'board'/)]),
      );
      // Analyses are compiled, never run, as dbt: no warning, not in the results.
      expect(warnings.some((warning) => warning.includes('adhoc'))).toBe(false);
      const manifest = JSON.parse(readFileSync(join(p.dir, 'target/manifest.json'), 'utf8')) as {
        nodes: Record<string, { resource_type: string; config: Record<string, unknown>; description: string; relation_name: string }>;
      };
      const node = manifest.nodes['snapshot.snaps.people_history'];
      expect(node).toMatchObject({ resource_type: 'snapshot', description: 'every version of a person', relation_name: `"${p.target.schema}"."people_history"` });
      expect(node.config).toMatchObject({ materialized: 'snapshot', strategy: 'check', check_cols: 'all', unique_key: 'id' });
      const runResults = JSON.parse(readFileSync(join(p.dir, 'target/run_results.json'), 'utf8')) as { results: Array<{ unique_id: string; status: string }> };
      expect(runResults.results.find((result) => result.unique_id === 'snapshot.snaps.people_history')?.status).toBe('success');

      expect(await list({ ...p.options, resourceTypes: ['snapshot'] })).toEqual(['snaps.people_history.people_history']);
      // As dbt's ls, the tests on a selected node come with it.
      expect(await list({ ...p.options, select: ['resource_type:snapshot'] })).toEqual(['snaps.people_history.people_history', 'snaps.not_null_people_history_id']);
      expect(await list({ ...p.options, select: ['people_history+'], output: 'name' })).toEqual(expect.arrayContaining(['people_history', 'current_people', 'not_null_people_history_id']));
      const only = await snapshot({ ...p.options, exclude: ['people_history'] });
      expect(only.results).toEqual([]);

      writeFile(p.dir, 'seeds/people.csv', 'id,name\n1,ann\n2,bo\n');
      await build({ ...p.options, select: ['people', 'people_history'] });
      expect(await db.query(`select count(*)::int as n from "${p.target.schema}".people_history`)).toEqual([{ n: 3 }]);

      const docs = await docsGenerate({ ...p.options });
      expect(docs.compileErrors).toEqual([]);
      expect(Object.keys(docs.catalog.nodes)).toContain('snapshot.snaps.people_history');
      expect(existsSync(join(p.dir, docs.sitePath))).toBe(true);
      removeDir(p.dir);
    });
  });
}
