import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunSummary } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';

/**
 * `materialized='materialized_view'` as dbt-postgres builds it: created, refreshed while its
 * definition and indexes are unchanged, rebuilt when its SELECT changes (views on it kept),
 * and index changes handled by `on_configuration_change`.
 */
for (const kind of databaseKinds()) {
  describe(`materialized views on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    const mv = (select: string, config = "indexes=[{'columns': ['id']}]") => `{{ config(materialized='materialized_view', ${config}) }}\n${select}`;

    function project() {
      const target = db.target();
      const dir = makeProject({
        'kpi_project.yml': 'name: mvs\n',
        'models/mv.sql': mv('select id, amount from {{ source("raw", "base") }}'),
        'models/sources.yml': `sources:\n  - name: raw\n    schema: ${target.schema}\n    tables: [{name: base}]\n`,
      });
      return {
        target,
        run: (): Promise<RunSummary> => run({ projectDir: dir, targetConfig: target, adapter: db.adapter }),
        write: (sql: string) => writeFile(dir, 'models/mv.sql', sql),
        rows: (relation: string) => db.query(`select * from "${target.schema}".${relation} order by 1`),
        kind: async () => (await db.query<{ relkind: string }>(`select relkind from pg_class where oid = to_regclass($1)`, [`"${target.schema}".mv`]))[0]?.relkind,
        indexes: async () =>
          (await db.query<{ def: string }>(`select pg_get_indexdef(indexrelid) as def from pg_index where indrelid = to_regclass($1) order by 1`, [`"${target.schema}".mv`])).map((row) =>
            row.def.replace(/^.* USING /, ''),
          ),
        done: () => removeDir(dir),
      };
    }
    const action = (summary: RunSummary) => (summary.results[0].status === 'success' ? summary.results[0].detail?.action : summary.results[0].message);

    it('creates it, refreshes it while unchanged, and rebuilds it when its SELECT changes, keeping the views on it', async () => {
      const p = project();
      try {
        await db.query(`create schema "${p.target.schema}"`);
        await db.query(`create table "${p.target.schema}".base as select g as id, g * 10 as amount from generate_series(1, 3) g`);
        expect(action(await p.run())).toBe('create');
        expect(await p.kind()).toBe('m');
        expect(await p.indexes()).toEqual(['btree (id)']);
        await db.query(`insert into "${p.target.schema}".base values (4, 40)`);
        expect(await p.rows('mv')).toHaveLength(3);
        expect(action(await p.run())).toBe('refresh');
        expect(await p.rows('mv')).toHaveLength(4);
        // A BI user's view on it survives a rebuild.
        await db.query(`create view "${p.target.schema}".big as select id from "${p.target.schema}".mv where amount > 20`);
        p.write(mv('select id, amount, amount * 2 as doubled from {{ source("raw", "base") }}'));
        expect(action(await p.run())).toBe('rebuild');
        expect(await p.rows('mv')).toEqual([
          { id: 1, amount: 10, doubled: 20 },
          { id: 2, amount: 20, doubled: 40 },
          { id: 3, amount: 30, doubled: 60 },
          { id: 4, amount: 40, doubled: 80 },
        ]);
        expect(await p.rows('big')).toEqual([{ id: 3 }, { id: 4 }]);
        expect(await p.indexes()).toEqual(['btree (id)']);
        // Only formatting changed: Postgres deparses both the same, so it is refreshed.
        p.write(mv('select   id,\n  amount,   amount * 2 as doubled\nfrom {{ source("raw", "base") }} -- a comment'));
        expect(action(await p.run())).toBe('refresh');
      } finally {
        p.done();
      }
    });

    it('applies, continues past or fails on a change of its indexes, as on_configuration_change says', async () => {
      const p = project();
      try {
        await db.query(`create schema "${p.target.schema}"`);
        await db.query(`create table "${p.target.schema}".base as select g as id, g * 10 as amount from generate_series(1, 3) g`);
        expect(action(await p.run())).toBe('create');
        const select = 'select id, amount from {{ source("raw", "base") }}';
        p.write(mv(select, "indexes=[{'columns': ['amount'], 'unique': True}], on_configuration_change='fail'"));
        const failed = await p.run();
        expect(failed.results[0].status).toBe('error');
        expect(failed.results[0].message).toMatch(/indexes of materialized view .* changed, and on_configuration_change is fail/);
        expect(await p.indexes()).toEqual(['btree (id)']);
        p.write(mv(select, "indexes=[{'columns': ['amount'], 'unique': True}], on_configuration_change='continue'"));
        expect(action(await p.run())).toBe('continue');
        expect(await p.indexes()).toEqual(['btree (id)']);
        p.write(mv(select, "indexes=[{'columns': ['amount'], 'unique': True}]"));
        expect(action(await p.run())).toBe('apply');
        expect(await p.indexes()).toEqual(['btree (amount)']);
        expect((await db.query<{ indisunique: boolean }>(`select indisunique from pg_index where indrelid = to_regclass($1)`, [`"${p.target.schema}".mv`]))[0].indisunique).toBe(true);
      } finally {
        p.done();
      }
    });
  });
}
