/**
 * Snapshots at scale: a source of N rows, snapshotted by the timestamp strategy and by
 * check_cols='all' (both with hard_deletes='invalidate'). For each: the first run, a run
 * over an unchanged source, and a run after 1% of the rows changed and 0.5% were deleted.
 * On the Postgres server and on the embedded database (in memory).
 *
 *   npx tsx bench/snapshot.ts       (KPI_BENCH_PG_URL, else KPI_TEST_PG_URL; KPI_BENCH_SNAPSHOT_ROWS, default 100000)
 *
 * Not a test: it prints its figures (docs/benchmarks.md keeps a copy).
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { snapshot } from '../src/api.js';
import type { Adapter } from '../src/adapters/adapter.js';
import { PgliteAdapter } from '../src/adapters/pglite/pglite-adapter.js';
import { PostgresAdapter } from '../src/adapters/postgres/postgres-adapter.js';
import { targetFromUrl, type TargetConfig } from '../src/config/profiles.js';
import { makeProject, removeDir } from '../tests/helpers/fixtures.js';

const URL = process.env.KPI_BENCH_PG_URL ?? process.env.KPI_TEST_PG_URL;
const ROWS = Number(process.env.KPI_BENCH_SNAPSHOT_ROWS ?? 100_000);

async function bench(name: string, adapter: Adapter, target: TargetConfig): Promise<void> {
  const raw = `${target.schema}_raw`;
  const sql = (text: string) => adapter.withConnection((connection) => connection.execute(text));
  await sql(`create schema "${raw}"; create table "${raw}".items as
    select g as id, 'name ' || g as name, (g % 97)::numeric(10,2) as amount, timestamp '2024-01-01' + g * interval '1 second' as updated_at
    from generate_series(1, ${ROWS}) g`);
  const dir = makeProject({
    'kpi_project.yml': 'name: bench\n',
    'models/sources.yml': `sources:\n  - name: raw\n    schema: ${raw}\n    tables:\n      - name: items\n`,
    'snapshots/ts.sql':
      "{% snapshot by_timestamp %}{{ config(strategy='timestamp', unique_key='id', updated_at='updated_at', hard_deletes='invalidate') }} select * from {{ source('raw', 'items') }} {% endsnapshot %}",
    'snapshots/chk.sql':
      "{% snapshot by_check %}{{ config(strategy='check', unique_key='id', check_cols='all', hard_deletes='invalidate') }} select * from {{ source('raw', 'items') }} {% endsnapshot %}",
  });
  const time = async (label: string) => {
    for (const select of ['by_timestamp', 'by_check']) {
      const started = performance.now();
      const summary = await snapshot({ projectDir: dir, targetConfig: target, adapter, select: [select] });
      const seconds = (performance.now() - started) / 1000;
      if (!summary.success) throw new Error(summary.results[0].message ?? 'failed');
      console.log(`${name}\t${ROWS} rows\t${select}\t${label}\t${seconds.toFixed(2)} s\t${summary.results[0].message}`);
    }
  };
  await time('first run');
  await time('unchanged source');
  await sql(`update "${raw}".items set amount = amount + 1, updated_at = updated_at + interval '1 day' where id % 100 = 0; delete from "${raw}".items where id % 200 = 1`);
  await time('1% changed, 0.5% deleted');
  removeDir(dir);
}

const schema = `kpi_bench_${randomBytes(3).toString('hex')}`;
if (URL) {
  const adapter = new PostgresAdapter({ url: URL, poolSize: 2 });
  try {
    await bench('server', adapter, targetFromUrl(URL, schema, 1));
  } finally {
    await adapter.withConnection((connection) => connection.execute(`drop schema if exists "${schema}" cascade; drop schema if exists "${schema}_raw" cascade`));
    await adapter.close();
  }
}
const db = await PGlite.create();
const embedded = await PgliteAdapter.open({ db });
await bench('pglite', embedded, { type: 'pglite', name: 'dev', profileName: 'bench', schema, threads: 1, path: null });
await embedded.close();
await db.close();
