import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

// Each row says which part inserted it, from which backend, under which snapshot, and what a
// `set local` pre-hook left: the build's shape is read from the table itself.
const WITNESS = "current_setting('kpi.parallel_part', true) as part, pg_backend_pid() as pid, pg_current_snapshot()::text as snap, current_setting('work_mem') as work_mem";
const HOOK = 'pre_hook="set local work_mem = \'5MB\'"';

const PROJECT = {
  'kpi_project.yml': 'name: parts\n',
  'models/plain.sql': "{{ config(materialized='table') }}\nselect n as id, n % 7 as grp from generate_series(1, 1000) as n",
  'models/parted.sql': `{{ config(materialized='table', parallel_parts=3, ${HOOK}) }}
select n as id, n % 7 as grp, ${WITNESS}
from generate_series(1, 1000) as n
where {{ parallel_part('n % 7') }}
{% if var('fail_in_part', none) is not none %}and 1 / (case when current_setting('kpi.parallel_part', true) = '{{ var('fail_in_part') }}' then 0 else 1 end) = 1{% endif %}`,
  'models/keyed.sql': `{{ config(materialized='incremental', unique_key='id', parallel_parts=2, ${HOOK}) }}
select n as id, ${WITNESS}
from generate_series(1, {{ var('last', 500) }}) as n
where {{ parallel_part('n') }}{% if var('dup', false) %} or n = 1{% endif %}
{% if is_incremental() %}and n > (select max(id) from {{ this }}){% endif %}`,
  'models/schema.yml': `models:
  - name: keyed
    config: {contract: {enforced: true}}
    columns:
      - {name: id, data_type: int, constraints: [{type: primary_key}, {type: check, expression: "id > 0"}]}
      - {name: part, data_type: text}
      - {name: pid, data_type: int}
      - {name: snap, data_type: text}
      - {name: work_mem, data_type: text}
`,
};

interface Shape {
  part: string | null;
  rows: number;
  pids: number;
  snaps: number;
  work_mem: string;
}

for (const kind of databaseKinds()) {
  describe(`a model built in parts (parallel_parts) on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });
    // Parts only on a plain server: the embedded database runs one statement at a time, and Citus runs a distributed table's shards in parallel by itself.
    const server = kind === 'postgres';
    const shape = (schema: string, table: string) =>
      db.query<Shape>(
        `select nullif(part, '') as part, count(*)::int as rows, count(distinct pid)::int as pids, count(distinct snap)::int as snaps, min(work_mem) as work_mem from "${schema}".${table} group by 1 order by 1`,
      );

    it('fills one table from a connection a part, in one snapshot, with the rows one statement gives', async () => {
      const dir = makeProject(PROJECT);
      try {
        const target = db.target();
        const summary = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter });
        expect(summary.results.map((result) => [result.unique_id, result.status, result.message])).toEqual([
          ['model.parts.keyed', 'success', 'SELECT 500'],
          ['model.parts.parted', 'success', 'SELECT 1000'],
          ['model.parts.plain', 'success', 'SELECT 1000'],
        ]);
        const s = target.schema;
        expect(await db.query(`select id, grp from "${s}".parted except all select id, grp from "${s}".plain`)).toEqual([]);
        expect(await db.query(`select id, grp from "${s}".plain except all select id, grp from "${s}".parted`)).toEqual([]);
        // n % 7 in 3 parts: groups 0, 3, 6 (mod 3 = 0), 1, 4 and 2, 5; every pre-hook ran in its part's transaction.
        const groups = (await db.query<{ grp: number }>(`select count(*)::int as grp from "${s}".plain group by grp % 3 order by grp % 3`)).map((row) => row.grp);
        if (server) {
          const parted = await shape(s, 'parted');
          expect(parted.map(({ part, rows, pids, snaps, work_mem }) => ({ part, rows, pids, snaps, work_mem }))).toEqual(
            ['0', '1', '2'].map((part, index) => ({ part, rows: groups[index], pids: 1, snaps: 1, work_mem: '5MB' })),
          );
          expect(await db.query(`select count(distinct pid)::int as pids, count(distinct snap)::int as snaps from "${s}".parted`)).toEqual([{ pids: 3, snaps: 1 }]);
        } else {
          // One statement: the condition keeps every row.
          expect(await shape(s, 'parted')).toEqual([{ part: null, rows: 1000, pids: 1, snaps: 1, work_mem: '5MB' }]);
        }
        // The contracted incremental model: its first build in parts, its constraints on the whole table.
        // (Citus keeps an unnamed check constraint's build-time name: docs/citus.md.)
        const constraints = (type: string) => db.query(`select conname from pg_constraint where conrelid = '"${s}".keyed'::regclass and contype = '${type}'`);
        expect(await constraints('p')).toEqual([{ conname: 'keyed_pkey' }]);
        expect(await constraints('c')).toEqual([{ conname: kind === 'citus' ? 'keyed__kpi_tmp_id_check' : 'keyed_id_check' }]);
        expect((await shape(s, 'keyed')).map((row) => [row.part, row.rows])).toEqual(
          server
            ? [
                ['0', 250],
                ['1', 250],
              ]
            : [[null, 500]],
        );

        // An increment is one statement; a full refresh is in parts again.
        expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['keyed'], vars: { last: 520 } })).success).toBe(true);
        expect((await shape(s, 'keyed')).map((row) => [row.part, row.rows])).toEqual(
          server
            ? [
                ['0', 250],
                ['1', 250],
                [null, 20],
              ]
            : [[null, 520]],
        );
        expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['keyed'], vars: { last: 530 }, fullRefresh: true })).success).toBe(true);
        expect((await shape(s, 'keyed')).map((row) => [row.part, row.rows])).toEqual(
          server
            ? [
                ['0', 265],
                ['1', 265],
              ]
            : [[null, 530]],
        );
        expect(await db.query(`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${s}' and c.relname like '%kpi_tmp%'`)).toEqual([{ n: 0 }]);
      } finally {
        removeDir(dir);
      }
    });

    it('keeps the table it had when a part fails or the constraints after the parts do, and leaves no new table behind', async () => {
      const dir = makeProject(PROJECT);
      try {
        const target = db.target();
        const s = target.schema;
        expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['parted'] })).success).toBe(true);
        // On the server only part 2 fails (parts 0 and 1 finish and commit their rows); elsewhere the one statement has no part and does not fail.
        const failed = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['parted'], vars: { fail_in_part: server ? '2' : '' } });
        if (server) {
          expect(failed.success).toBe(false);
          expect(failed.results[0].message).toMatch(/division by zero/);
        } else {
          expect(failed.success).toBe(true);
        }
        expect(await db.query(`select count(*)::int as n from "${s}".parted`)).toEqual([{ n: 1000 }]);

        // Every part filled, then the primary key fails in the swap's transaction (on the server, id 1 is in both parts).
        expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['keyed'] })).success).toBe(true);
        const duplicated = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['keyed'], fullRefresh: true, vars: { dup: true, last: 600 } });
        expect(duplicated.success).toBe(!server);
        if (server) expect(duplicated.results[0].message).toMatch(/could not create unique index/);
        expect(await db.query(`select count(*)::int as n from "${s}".keyed`)).toEqual([{ n: server ? 500 : 600 }]);
        expect(await db.query(`select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${s}' and c.relkind = 'r' order by relname`)).toEqual([
          { relname: 'keyed' },
          { relname: 'parted' },
        ]);
      } finally {
        removeDir(dir);
      }
    });

    it('refuses a parallel_parts that is not a whole number from 1 to 64, and a parallel_part() without a key, naming the model', async () => {
      for (const [config, expected] of [
        ['parallel_parts=0', /model 'bad': parallel_parts must be a whole number from 1 to 64, got 0/],
        ["parallel_parts='two'", /model 'bad': parallel_parts must be a whole number from 1 to 64, got "two"/],
        ['parallel_parts=65', /got 65/],
      ] as const) {
        const dir = makeProject({ 'kpi_project.yml': 'name: bad\n', 'models/bad.sql': `{{ config(materialized='table', ${config}) }}\nselect 1 as id` });
        try {
          const target = db.target();
          const summary = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter });
          expect(summary.success).toBe(false);
          expect(summary.results[0].message).toMatch(expected);
          expect(summary.results[0].error_code).toBe('KPI_CONFIG_INVALID');
          expect(await db.query(`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${target.schema}'`)).toEqual([{ n: 0 }]);
        } finally {
          removeDir(dir);
        }
      }
      const dir = makeProject({ 'kpi_project.yml': 'name: bad\n', 'models/bad.sql': "{{ config(materialized='table') }}\nselect 1 as id where {{ parallel_part(3) }}" });
      try {
        await expect(run({ projectDir: dir, targetConfig: db.target(), adapter: db.adapter })).rejects.toMatchObject({
          code: 'KPI_COMPILER_ERROR',
          node: 'model.bad.bad',
          message: "parallel_part() takes the SQL of an integer key, such as 'entity_id', got 3",
        });
      } finally {
        removeDir(dir);
      }
    });
  });
}
