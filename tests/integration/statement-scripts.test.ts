import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter, Connection } from '../../src/adapters/adapter.js';
import { run } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';

/** The database's adapter, writing down every round trip the nodes' connections make. */
function countingAdapter(adapter: Adapter, trips: Array<{ via: 'query' | 'execute'; sql: string }>): Adapter {
  const counting = (connection: Connection): Connection => {
    const wrapped = Object.create(connection) as Connection;
    wrapped.query = (sql, params) => {
      trips.push({ via: 'query', sql });
      return connection.query(sql, params);
    };
    wrapped.execute = (sql) => {
      trips.push({ via: 'execute', sql });
      return connection.execute(sql);
    };
    return wrapped;
  };
  return new Proxy(adapter, {
    get(target, property) {
      if (property === 'withConnection') return <T>(fn: (connection: Connection) => Promise<T>, label?: string) => target.withConnection((connection) => fn(counting(connection)), label);
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const PROPERTIES = `models:
  - name: inc
    description: The increment's table
    columns:
      - name: id
        description: The key
      - name: v
        description: The value
  - name: tab
    description: A table with a contract
    config:
      contract: {enforced: true}
    columns:
      - name: id
        data_type: integer
        description: The table's key
        constraints:
          - type: primary_key
      - name: engine
        data_type: text
        description: Which engine built it
  - name: v
    description: A view on the table
    columns:
      - name: id
        description: The view's key
`;

for (const kind of databaseKinds()) {
  describe(`statements of a transaction sent as one script on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('gives the same tables, comments, grants and target/run/ files with fewer round trips, and rolls back as a whole', async () => {
      const target = db.target();
      const source = `${target.schema}_src`;
      await db.query(`create schema "${source}"`);
      await db.query(`create table "${source}".items (id int, v int)`);
      await db.query(`insert into "${source}".items values (1, 10), (2, 20)`);
      const incremental = (grantee: string) => `{{ config(materialized='incremental', unique_key='id', persist_docs={'relation': true, 'columns': true}, grants={'select': ['${grantee}']}) }}
select id, v from "${source}".items`;
      const dir = makeProject({
        'kpi_project.yml': 'name: scripts\nmodels:\n  scripts:\n    +persist_docs: {relation: true, columns: true}\n',
        'models/properties.yml': PROPERTIES,
        'models/inc.sql': incremental('public'),
        'models/tab.sql': "{{ config(materialized='table') }}\nselect 1 as id, {{ \"'citus'\" if adapter.is_citus() else \"'plain'\" }}::text as engine",
        'models/v.sql': "{{ config(materialized='view') }}\nselect id from {{ ref('tab') }}",
      });
      const trips: Array<{ via: 'query' | 'execute'; sql: string }> = [];
      const adapter = countingAdapter(db.adapter, trips);
      const options = { projectDir: dir, targetConfig: target, adapter };
      try {
        expect((await run(options)).success).toBe(true);
        await db.query(`insert into "${source}".items values (3, 30)`);
        trips.length = 0;
        // The second run: an increment, a table swapped under its view, the view replaced.
        const second = await run(options);
        expect(second.results.map((result) => [result.unique_id, result.status])).toEqual([
          ['model.scripts.inc', 'success'],
          ['model.scripts.tab', 'success'],
          ['model.scripts.v', 'success'],
        ]);

        // What the database holds, read by the test itself.
        const schema = target.schema;
        const described = await db.query<{ relation: string; column: string; comment: string | null }>(
          `select c.relname as relation, a.attname as column, col_description(c.oid, a.attnum) as comment
             from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid and a.attnum > 0
            where n.nspname = $1 and c.relkind in ('r', 'v') order by 1, a.attnum`,
          [schema],
        );
        expect(described).toEqual([
          { relation: 'inc', column: 'id', comment: 'The key' },
          { relation: 'inc', column: 'v', comment: 'The value' },
          { relation: 'tab', column: 'id', comment: "The table's key" },
          { relation: 'tab', column: 'engine', comment: 'Which engine built it' },
          { relation: 'v', column: 'id', comment: "The view's key" },
        ]);
        const tables = await db.query<{ relname: string; comment: string; public_select: boolean }>(
          `select c.relname, obj_description(c.oid, 'pg_class') as comment, has_table_privilege('public', c.oid, 'select') as public_select
             from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind in ('r', 'v') order by 1`,
          [schema],
        );
        expect(tables).toEqual([
          { relname: 'inc', comment: "The increment's table", public_select: true },
          { relname: 'tab', comment: 'A table with a contract', public_select: false },
          { relname: 'v', comment: 'A view on the table', public_select: false },
        ]);
        expect(await db.query(`select id, v from "${schema}".inc order by id`)).toEqual([
          { id: 1, v: 10 },
          { id: 2, v: 20 },
          { id: 3, v: 30 },
        ]);
        expect(await db.query(`select id from "${schema}".v`)).toEqual([{ id: 1 }]);
        expect(await db.query(`select engine from "${schema}".tab`)).toEqual([{ engine: kind === 'citus' ? 'citus' : 'plain' }]);

        // target/run/ lists every statement on its own, as when each went alone.
        const ran = readFileSync(join(dir, 'target/run/scripts/models/inc.sql'), 'utf8');
        const statements = ran.split(';\n\n').map((statement) => statement.replace(/;\n$/, ''));
        expect(statements.filter((statement) => statement.startsWith('comment on'))).toEqual([
          `comment on table "${schema}"."inc" is 'The increment''s table'`,
          `comment on column "${schema}"."inc"."id" is 'The key'`,
          `comment on column "${schema}"."inc"."v" is 'The value'`,
        ]);
        expect(statements.filter((statement) => statement.startsWith('grant'))).toEqual([`grant select on "${schema}"."inc" to public`]);

        // The comments went in scripts (one round trip a node), none alone; Citus sends each alone.
        const alone = trips.filter((trip) => trip.via === 'query' && /^\s*comment on/.test(trip.sql));
        const scripts = trips.filter((trip) => trip.via === 'execute' && /comment on/.test(trip.sql));
        if (kind === 'citus') expect(scripts).toEqual([]);
        else {
          // Only those of the view the table's swap recreated (restoring views goes statement by statement, so a failure names the view).
          expect(alone.map((trip) => trip.sql)).toEqual([`comment on view "${schema}"."v" is 'A view on the table'`, `comment on column "${schema}"."v"."id" is 'The view''s key'`]);
          expect(scripts.length).toBe(3);
          // Which node's script came first depends on the schedule (tab heads the longer chain): find inc's.
          expect(scripts.find((trip) => trip.sql.includes('"inc"'))?.sql).toContain(`comment on column "${schema}"."inc"."v" is 'The value';\ngrant select on "${schema}"."inc" to public`);
        }
        // A server adapter knows whether it has Citus: templates' adapter.is_citus() asks nothing.
        if (kind !== 'pglite') expect(trips.filter((trip) => trip.sql.includes('pg_extension'))).toEqual([]);

        // A statement of a script that fails fails the node, and its transaction leaves the table as it was.
        writeFile(dir, 'models/inc.sql', incremental('kpi_no_such_role'));
        await db.query(`insert into "${source}".items values (4, 40)`);
        const failed = await run({ ...options, select: ['inc'] });
        expect(failed.results[0].status).toBe('error');
        expect(failed.results[0].message).toMatch(/kpi_no_such_role/);
        expect(await db.query(`select count(*)::int as n from "${schema}".inc`)).toEqual([{ n: 3 }]);
      } finally {
        removeDir(dir);
      }
    });
  });
}
