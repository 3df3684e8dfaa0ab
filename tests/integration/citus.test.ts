import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, seed } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { eventLog } from '../helpers/events.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';

/** How Citus holds each table of a schema, read from its own catalog (not kpi's). */
async function distribution(db: TestDatabase, schema: string): Promise<Record<string, string>> {
  const rows = await db.query<{ name: string; method: string; col: string | null; colocation: number }>(
    `select c.relname as name, p.partmethod::text as method, column_to_column_name(p.logicalrelid, p.partkey) as col, p.colocationid as colocation
     from pg_dist_partition p join pg_class c on c.oid = p.logicalrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 order by 1`,
    [schema],
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.method === 'n' ? 'reference' : `${row.method}:${row.col}`]));
}

const distributedProject = (extra: Record<string, string> = {}) =>
  makeProject({
    'kpi_project.yml': [
      'name: shards',
      'models:',
      '  shards:',
      '    +materialized: table',
      '    facts:',
      '      +distributed_by: entity_id',
      '      +shard_count: 4',
      '    rollup:',
      '      +distributed_by: entity_id',
      '      +colocate_with: facts',
      'seeds:',
      '  shards:',
      '    entities:',
      '      +reference: true',
      '',
    ].join('\n'),
    'seeds/entities.csv': 'entity_id,name\n1,north\n2,south\n3,east\n',
    'models/facts.sql': "select (g % 3) + 1 as entity_id, g as day, g * {{ var('scale', 1) }} as amount from generate_series(1, 30) g",
    'models/rollup.sql': "select f.entity_id, e.name, sum(f.amount) as total from {{ ref('facts') }} f join {{ ref('entities') }} e using (entity_id) group by 1, 2",
    ...extra,
  });

// On every target: the configs are kpi's, so no unknown-config warning; without Citus they do nothing.
for (const kind of databaseKinds()) {
  describe(`distribution configs on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('accepts distributed_by, colocate_with, shard_count and reference without a warning', async () => {
      const dir = distributedProject();
      try {
        const target = db.target();
        const log = eventLog();
        expect((await seed({ projectDir: dir, targetConfig: target, adapter: db.adapter, onEvent: log.onEvent })).success).toBe(true);
        expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, onEvent: log.onEvent })).success).toBe(true);
        expect(log.diagnostics()).toEqual([]);
        expect(await db.query(`select entity_id, name, total::int from "${target.schema}".rollup order by 1`)).toEqual([
          { entity_id: 1, name: 'north', total: 3 + 6 + 9 + 12 + 15 + 18 + 21 + 24 + 27 + 30 },
          { entity_id: 2, name: 'south', total: 1 + 4 + 7 + 10 + 13 + 16 + 19 + 22 + 25 + 28 },
          { entity_id: 3, name: 'east', total: 2 + 5 + 8 + 11 + 14 + 17 + 20 + 23 + 26 + 29 },
        ]);
        if (kind !== 'citus') {
          const citus = await db.query<{ installed: boolean }>(`select exists (select 1 from pg_extension where extname = 'citus') as installed`);
          expect(citus).toEqual([{ installed: false }]);
        } else {
          expect(await distribution(db, target.schema)).toEqual({ entities: 'reference', facts: 'h:entity_id', rollup: 'h:entity_id' });
        }
      } finally {
        removeDir(dir);
      }
    });

    it('reports a distribution config that cannot be right as KPI_CONFIG_INVALID, naming the model', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: bad\nmodels:\n  bad:\n    +materialized: table\n',
        'models/both.sql': "{{ config(distributed_by='id', reference=true) }}\nselect 1 as id",
      });
      try {
        const summary = await run({ projectDir: dir, targetConfig: db.target(), adapter: db.adapter });
        expect(summary.success).toBe(false);
        expect(summary.results[0].message).toMatch(/model 'both': a reference table has no distribution column/);
      } finally {
        removeDir(dir);
      }
    });
  });
}

for (const kind of databaseKinds().filter((each) => each === 'citus')) {
  describe('materializations on a Citus cluster', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('keeps the distribution across rebuilds, keeps a hand-made view, and keeps the old table when a rebuild fails', async () => {
      const dir = distributedProject();
      try {
        const target = db.target();
        const s = target.schema;
        expect((await seed({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
        expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
        const shards = await db.query<{ n: number }>(`select count(*)::int as n from pg_dist_shard where logicalrelid = '"${s}".facts'::regclass`);
        expect(shards).toEqual([{ n: 4 }]);
        await db.query(`create view "${s}".bi_totals as select entity_id, sum(amount) as total from "${s}".facts group by 1`);

        expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars: { scale: 2 } })).success).toBe(true);
        expect(await distribution(db, s)).toEqual({ entities: 'reference', facts: 'h:entity_id', rollup: 'h:entity_id' });
        expect(await db.query(`select count(*)::int as n from pg_dist_shard where logicalrelid = '"${s}".facts'::regclass`)).toEqual([{ n: 4 }]);
        // Colocated: the rollup's group is the facts' group.
        const groups = await db.query<{ n: number }>(
          `select count(distinct colocationid)::int as n from pg_dist_partition where logicalrelid in ('"${s}".facts'::regclass, '"${s}".rollup'::regclass)`,
        );
        expect(groups).toEqual([{ n: 1 }]);
        // The view a BI user made follows the new table: 2 × the sum of 1..30.
        expect(await db.query(`select sum(total)::int as total from "${s}".bi_totals`)).toEqual([{ total: 930 }]);

        // A rebuild that fails part-way (a division by zero in the model) leaves the old table, distributed, with its rows.
        writeFile(dir, 'models/facts.sql', 'select (g % 3) + 1 as entity_id, g as day, 10 / (g - 30) as amount from generate_series(1, 30) g');
        const failed = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['facts'] });
        expect(failed.success).toBe(false);
        expect(await db.query(`select count(*)::int as n, sum(amount)::int as total from "${s}".facts`)).toEqual([{ n: 30, total: 930 }]);
        expect(await distribution(db, s)).toEqual({ entities: 'reference', facts: 'h:entity_id', rollup: 'h:entity_id' });
        expect(await db.query(`select relname from pg_class where relnamespace = '"${s}"'::regnamespace and relname like '%kpi_tmp%'`)).toEqual([]);
      } finally {
        removeDir(dir);
      }
    });

    it('keeps contract keys on a distributed table: primary key with the distribution column, foreign key to a reference table', async () => {
      const dir = distributedProject({
        'models/schema.yml': [
          'models:',
          '  - name: rollup',
          '    config: {contract: {enforced: true}}',
          '    constraints:',
          '      - {type: primary_key, columns: [entity_id]}',
          '      - {type: foreign_key, columns: [entity_id], to: "ref(\'entities\')", to_columns: [entity_id]}',
          '    columns:',
          '      - {name: entity_id, data_type: integer}',
          '      - {name: name, data_type: text}',
          '      - {name: total, data_type: bigint}',
          '',
        ].join('\n'),
        'seeds/schema.yml': 'seeds:\n  - name: entities\n    config: {indexes: [{columns: [entity_id], unique: true}]}\n',
      });
      try {
        const target = db.target();
        const s = target.schema;
        expect((await seed({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
        for (const scale of [1, 3]) {
          const summary = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars: { scale } });
          expect(summary.results.map((result) => [result.unique_id, result.status, result.status === 'success' ? '' : result.message])).toEqual([
            ['model.shards.facts', 'success', ''],
            ['model.shards.rollup', 'success', ''],
          ]);
        }
        const keys = await db.query<{ conname: string; contype: string }>(`select conname, contype::text from pg_constraint where conrelid = '"${s}".rollup'::regclass order by 1`);
        expect(keys).toEqual([
          { conname: 'rollup_entity_id_fkey', contype: 'f' },
          { conname: 'rollup_pkey', contype: 'p' },
        ]);
        expect(await db.query(`select sum(total)::int as total from "${s}".rollup`)).toEqual([{ total: 3 * 465 }]);
        expect(await db.query(`select count(*)::int as n from pg_class where relnamespace = '"${s}"'::regnamespace and relname like '%kpi_backup%'`)).toEqual([{ n: 0 }]);
        // The seed reloads (referenced by the rollup's key): its new row is there, the key still holds.
        writeFile(dir, 'seeds/entities.csv', 'entity_id,name\n1,north\n2,south\n3,east\n4,west\n');
        expect((await seed({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
        expect(await distribution(db, s)).toEqual({ entities: 'reference', facts: 'h:entity_id', rollup: 'h:entity_id' });
        expect(await db.query(`select count(*)::int as n from "${s}".entities`)).toEqual([{ n: 4 }]);
        expect(await db.query(`select count(*)::int as n from pg_constraint where conrelid = '"${s}".rollup'::regclass and contype = 'f'`)).toEqual([{ n: 1 }]);
      } finally {
        removeDir(dir);
      }
    });

    for (const strategy of ['merge', 'delete+insert', 'append']) {
      it(`applies ${strategy} increments to a distributed table, equal to a full build`, async () => {
        const key = strategy === 'append' ? '' : ", unique_key=['entity_id', 'day']";
        const model = [
          `{{ config(materialized='incremental', incremental_strategy='${strategy}', distributed_by='entity_id'${key}) }}`,
          "select (g % 5) + 1 as entity_id, g as day, g * {{ var('scale', 1) }} as amount",
          "from generate_series(1, {{ var('days', 20) }}) g",
          "{% if is_incremental() %}where g > (select max(day) from {{ this }}) - {{ var('lookback', 0) }}{% endif %}",
        ].join('\n');
        const dir = makeProject({ 'kpi_project.yml': 'name: incr\n', 'models/events.sql': model });
        try {
          const target = db.target();
          const s = target.schema;
          expect((await run({ projectDir: dir, targetConfig: target, adapter: db.adapter })).success).toBe(true);
          // Two increments; merge and delete+insert recompute the last 3 days with another scale.
          const lookback = strategy === 'append' ? 0 : 3;
          for (const days of [25, 31]) {
            const summary = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars: { days, lookback, scale: strategy === 'append' ? 1 : 2 } });
            expect(summary.results.map((result) => [result.status, result.status === 'success' ? '' : result.message])).toEqual([['success', '']]);
          }
          expect(await distribution(db, s)).toEqual({ events: 'h:entity_id' });
          // The same rows, computed here: days 1..31, amount = day × scale, scale 2 for the recomputed days.
          const rows = await db.query<{ entity_id: number; day: number; amount: number }>(`select entity_id, day, amount::int from "${s}".events order by day`);
          const expected = Array.from({ length: 31 }, (_, at) => {
            const day = at + 1;
            // The first increment recomputes days after 20 - 3, the second after 25 - 3: every day from 18 on.
            const recomputed = strategy !== 'append' && day > 17;
            return { entity_id: (day % 5) + 1, day, amount: day * (recomputed ? 2 : 1) };
          });
          expect(rows).toEqual(expected);
          expect(await db.query(`select relname from pg_class where relnamespace = '"${s}"'::regnamespace and relname like '%kpi_incr%'`)).toEqual([]);
        } finally {
          removeDir(dir);
        }
      });
    }

    it('refuses merge on a key without the distribution column with KPI_CITUS_UNSUPPORTED, before building anything', async () => {
      const dir = makeProject({
        'kpi_project.yml': 'name: nokey\n',
        'models/events.sql': "{{ config(materialized='incremental', incremental_strategy='merge', unique_key='day', distributed_by='entity_id') }}\nselect 1 as entity_id, 1 as day",
      });
      try {
        const target = db.target();
        const summary = await run({ projectDir: dir, targetConfig: target, adapter: db.adapter });
        expect(summary.success).toBe(false);
        expect(summary.results[0].message).toMatch(/distributed by entity_id, and its merge unique_key \(day\) does not include it/);
        expect(summary.results[0].message).not.toMatch(/Database error/);
        expect(await db.query(`select count(*)::int as n from pg_class where relnamespace = (select oid from pg_namespace where nspname = $1)`, [target.schema])).toEqual([{ n: 0 }]);
      } finally {
        removeDir(dir);
      }
    });
  });
}
