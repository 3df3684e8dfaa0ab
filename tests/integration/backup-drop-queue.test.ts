import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/api.js';
import { databaseKinds, openTestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

// A rebuilt table's old copy is dropped after the swap's commit, and dropping its foreign key
// needs an exclusive lock on the table the key references. While a long reader (a BI query, a
// model building in parallel) holds that table, a plain request for the lock would queue every
// later reader of it behind the request.
const PROJECT = {
  'kpi_project.yml': 'name: queue\nmodels:\n  +materialized: table\n',
  'models/dims.sql': 'select n as id from generate_series(1, 10) as n',
  'models/facts.sql': "select n as fact_id, 1 + n % 10 as dim_id from generate_series(1, 100) as n, (select count(*) from {{ ref('dims') }}) as d",
  'models/schema.yml': `models:
  - name: dims
    config: {contract: {enforced: true}}
    columns:
      - {name: id, data_type: int, constraints: [{type: primary_key}]}
  - name: facts
    config: {contract: {enforced: true}}
    constraints:
      - {type: foreign_key, columns: [dim_id], to: "ref('dims')", to_columns: [id]}
    columns:
      - {name: fact_id, data_type: int, constraints: [{type: primary_key}]}
      - {name: dim_id, data_type: int}
`,
};

async function client(url: string): Promise<pg.Client> {
  const connection = new pg.Client({ connectionString: url });
  await connection.connect();
  return connection;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > 20_000) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

if (databaseKinds().includes('postgres')) {
  describe('dropping a rebuilt table’s old copy on the server', () => {
    it('does not queue readers of the table its foreign key references, and gives up after --lock-timeout', async () => {
      const db = await openTestDatabase('postgres');
      const target = db.target();
      const schema = target.schema;
      const dir = makeProject(PROJECT);
      const url = process.env.KPI_TEST_PG_URL as string;
      const options = { projectDir: dir, targetConfig: target };
      const holder = await client(url);
      const reader = await client(url);
      const backupExists = async () =>
        (await db.query(`select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${schema}' and c.relname = 'facts__kpi_backup'`)).length > 0;
      try {
        expect((await run(options)).success).toBe(true);

        await holder.query('begin');
        await holder.query(`select count(*) from "${schema}".dims`);
        let settled = false;
        const rebuilding = run({ ...options, select: ['facts'] }).finally(() => (settled = true));
        await until(backupExists, 'the swap has committed and the old copy waits to be dropped');
        await new Promise((resolve) => setTimeout(resolve, 300));

        // A new reader of dims gets it at once: no lock request stands in its way.
        await reader.query("set statement_timeout = '3s'");
        expect(await reader.query(`select count(*)::int as n from "${schema}".dims`).then((result) => result.rows)).toEqual([{ n: 10 }]);
        expect(settled).toBe(false);
        expect(await backupExists()).toBe(true);

        await holder.query('commit');
        const summary = await rebuilding;
        expect(summary.results.map((result) => [result.unique_id, result.status])).toEqual([['model.queue.facts', 'success']]);
        expect(await backupExists()).toBe(false);
        expect(await db.query(`select conname from pg_constraint where conrelid = '"${schema}".facts'::regclass and contype = 'f'`)).toEqual([{ conname: 'facts_dim_id_fkey' }]);

        // Patience is the session's lock_timeout: with --lock-timeout the drop gives up, coded.
        await holder.query('begin');
        await holder.query(`select count(*) from "${schema}".dims`);
        const started = performance.now();
        const gaveUp = await run({ ...options, select: ['facts'], lockTimeoutSeconds: 1 });
        const waited = (performance.now() - started) / 1000;
        await holder.query('commit');
        expect(gaveUp.success).toBe(false);
        expect(gaveUp.results[0].message).toMatch(/lock/);
        expect(waited).toBeGreaterThan(0.9);
        expect(waited).toBeLessThan(15);
        // The table was swapped in before; the next run clears the old copy left behind.
        expect(await backupExists()).toBe(true);
        expect((await run({ ...options, select: ['facts'] })).success).toBe(true);
        expect(await backupExists()).toBe(false);
      } finally {
        await holder.end().catch(() => undefined);
        await reader.end().catch(() => undefined);
        removeDir(dir);
        await db.close();
      }
    });
  });
}

// On the embedded database nothing runs beside the drop, so nothing can queue; the old copy and
// its keys still go the same way (one key at a time, each in its retrying block).
describe('dropping a rebuilt table’s old copy on the embedded database', () => {
  it('drops the old copy and its foreign key, and leaves the new table its own', async () => {
    const db = await openTestDatabase('pglite');
    const dir = makeProject(PROJECT);
    try {
      const target = db.target();
      const options = { projectDir: dir, targetConfig: target, adapter: db.adapter };
      for (let round = 0; round < 2; round++) expect((await run(options)).success).toBe(true);
      const s = target.schema;
      expect(await db.query(`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '${s}' and c.relkind = 'r' order by 1`)).toEqual([
        { relname: 'dims' },
        { relname: 'facts' },
      ]);
      expect(await db.query(`select conname from pg_constraint where conrelid = '"${s}".facts'::regclass and contype = 'f'`)).toEqual([{ conname: 'facts_dim_id_fkey' }]);
      expect(await db.query(`select count(*)::int as n from "${s}".facts f join "${s}".dims d on d.id = f.dim_id`)).toEqual([{ n: 100 }]);
    } finally {
      removeDir(dir);
      await db.close();
    }
  });
});
