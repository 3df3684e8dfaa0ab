/**
 * Incremental models at scale, on a Postgres server: a table of 1M, 3M and 10M rows
 * receives a daily increment of 10,000 rows (7,000 new, 3,000 updated), applied by
 * `delete+insert` and by `merge`. For each, the time of a whole `kpi run` of the model,
 * and beside it the bare SQL of the same statements (stage, analyze, apply, commit) sent
 * straight to the server, so kpi's own overhead shows. Last, the same increment with the
 * unique_key's index dropped, to show what the index buys.
 *
 *   npx tsx bench/incremental.ts            (KPI_BENCH_PG_URL, else KPI_TEST_PG_URL, else the local server)
 *
 * Not a test: it prints its figures (docs/benchmarks.md keeps a copy).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { run } from '../src/api.js';
import { PostgresAdapter } from '../src/adapters/postgres/postgres-adapter.js';
import { targetFromUrl } from '../src/config/profiles.js';
import { indexName } from '../src/materializations/ddl.js';
import { analyzeStatement } from '../src/materializations/planner-statistics.js';
import { createStagingTable, stagingRelation } from '../src/materializations/incremental/incremental-ddl.js';
import type { ApplyMethod } from '../src/materializations/incremental/incremental-config.js';
import { strategySql } from '../src/materializations/incremental/strategy-sql.js';
import { makeProject, removeDir } from '../tests/helpers/fixtures.js';

const URL = process.env.KPI_BENCH_PG_URL ?? process.env.KPI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SIZES = (process.env.KPI_BENCH_SIZES ?? '1000000,3000000,10000000').split(',').map(Number);
const NEW_ROWS = 7_000;
const UPDATED_ROWS = 3_000;
const REPEATS = Number(process.env.KPI_BENCH_REPEATS ?? 5);
const COLUMNS = ['id', 'day', 'shop', 'amount', 'status', 'updated_at'];
const STRATEGIES: ApplyMethod[] = ['delete+insert', 'merge'];

const suffix = randomBytes(3).toString('hex');
const schema = `kpi_bench_${suffix}`;
const raw = `${schema}_raw`;
const modelName = (strategy: ApplyMethod) => (strategy === 'merge' ? 'by_merge' : 'by_delete_insert');

/** The index config the docs recommend: the unique_key, and the watermark the model reads max() of. */
const INDEXES = "[{'columns': ['id'], 'unique': true}, {'columns': ['updated_at']}]";
const modelSql = (strategy: ApplyMethod) => `{{ config(materialized='incremental', incremental_strategy='${strategy}', unique_key='id', indexes=${INDEXES}) }}
select ${COLUMNS.join(', ')} from {{ source('raw', 'events') }}
{% if is_incremental() %}where updated_at > (select max(updated_at) from {{ this }}){% endif %}`;

const client = new pg.Client({ connectionString: URL });
const adapter = new PostgresAdapter({ url: URL, poolSize: 2 });
const target = targetFromUrl(URL, schema, 1);
const dir = makeProject({
  'kpi_project.yml': 'name: bench\n',
  'models/sources.yml': `sources:\n  - name: raw\n    schema: ${raw}\n    tables:\n      - name: events\n`,
  'models/by_delete_insert.sql': modelSql('delete+insert'),
  'models/by_merge.sql': modelSql('merge'),
});

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (value: number): string => `${value.toFixed(3)} s`;
const millions = (rows: number): string => `${Number((rows / 1e6).toFixed(2))}M`;

/** Grow the source to `size` rows; updated_at comes from one clock, so every change is newer than the last. */
async function growSource(size: number): Promise<void> {
  const { rows } = await client.query<{ n: string }>(`select count(*) as n from "${raw}".events`);
  const from = Number(rows[0].n) + 1;
  if (from > size) return;
  await client.query(
    `insert into "${raw}".events select g, date '2020-01-01' + (g % 1500)::int, (g % 50)::int, (g % 100000) / 100.0, 'new', nextval('"${raw}".clock')
     from generate_series(${from}::bigint, ${size}::bigint) g`,
  );
  await client.query(`analyze "${raw}".events`);
}

/** One day's increment: 3,000 rows of the table updated, 7,000 new ones. */
async function dailyIncrement(): Promise<void> {
  const { rows } = await client.query<{ n: string }>(`select max(id) as n from "${raw}".events`);
  const max = Number(rows[0].n);
  await client.query(
    `update "${raw}".events set amount = amount + 1, status = 'updated', updated_at = nextval('"${raw}".clock')
     where id in (select 1 + (random() * ${max - 1})::bigint from generate_series(1, ${UPDATED_ROWS}))`,
  );
  await client.query(`insert into "${raw}".events select g, current_date, (g % 50)::int, 1, 'new', nextval('"${raw}".clock') from generate_series(${max + 1}::bigint, ${max + NEW_ROWS}::bigint) g`);
}

async function kpiRun(models: string[], fullRefresh = false): Promise<void> {
  const summary = await run({ projectDir: dir, targetConfig: target, adapter, select: models, fullRefresh });
  const failed = summary.results.filter((result) => result.status !== 'success');
  if (failed.length > 0) throw new Error(failed.map((result) => `${result.unique_id}: ${result.message}`).join('\n'));
}

/** The statements kpi issues for an increment (from the same functions), sent as bare SQL in one transaction. */
async function bareSql(strategy: ApplyMethod): Promise<void> {
  const table = modelName(strategy);
  const staging = `${table}__kpi_incr`;
  const select = `select ${COLUMNS.join(', ')} from "${raw}".events where updated_at > (select max(updated_at) from "${schema}"."${table}")`;
  await client.query('begin');
  await client.query(createStagingTable(staging, select));
  // The events have no json columns: kpi analyzes every column, as here.
  await client.query(analyzeStatement(stagingRelation(staging), []));
  for (const statement of strategySql(strategy, {
    target: { schema, identifier: table },
    staging,
    columns: COLUMNS,
    uniqueKey: ['id'],
    predicates: [],
    updateColumns: COLUMNS.filter((column) => column !== 'id'),
  })) {
    await client.query(statement);
  }
  await client.query('commit');
}

async function main(): Promise<void> {
  await client.connect();
  await client.query(`create schema "${raw}"`);
  await client.query(`create sequence "${raw}".clock`);
  await client.query(`create table "${raw}".events (id bigint primary key, day date not null, shop int not null, amount numeric(12,2) not null, status text not null, updated_at bigint not null)`);
  await client.query(`create index on "${raw}".events (updated_at)`);
  const lines: string[] = [];
  try {
    for (const size of SIZES) {
      const grow = await seconds(() => growSource(size));
      const build = await seconds(() => kpiRun(STRATEGIES.map(modelName), true));
      console.log(`${millions(size)} rows: source grown in ${fmt(grow)}, both tables fully built by kpi in ${fmt(build)}`);
      const timings: Record<string, { kpi: number[]; bare: number[] }> = Object.fromEntries(STRATEGIES.map((strategy) => [strategy, { kpi: [], bare: [] }]));
      for (let repeat = 0; repeat < REPEATS; repeat++) {
        await dailyIncrement();
        for (const strategy of STRATEGIES) timings[strategy].kpi.push(await seconds(() => kpiRun([modelName(strategy)])));
        await dailyIncrement();
        for (const strategy of STRATEGIES) timings[strategy].bare.push(await seconds(() => bareSql(strategy)));
      }
      // What the index on the unique_key buys: the same increment, bare SQL, once the index is gone.
      const withoutIndex: Record<string, number> = {};
      await dailyIncrement();
      for (const strategy of STRATEGIES) {
        const table = modelName(strategy);
        await client.query(`drop index "${schema}"."${indexName(table, { columns: ['id'], unique: true })}"`);
        withoutIndex[strategy] = await seconds(() => bareSql(strategy));
      }
      for (const strategy of STRATEGIES) {
        const { rows } = await client.query<{ n: string }>(`select count(*) as n from "${schema}"."${modelName(strategy)}"`);
        const line = `| ${strategy} | ${millions(size)} (${millions(Number(rows[0].n))} after) | ${fmt(median(timings[strategy].kpi))} | ${fmt(median(timings[strategy].bare))} | ${fmt(withoutIndex[strategy])} |`;
        lines.push(line);
        console.log(`  ${strategy}: kpi run ${timings[strategy].kpi.map(fmt).join(', ')}; bare SQL ${timings[strategy].bare.map(fmt).join(', ')}; without the index ${fmt(withoutIndex[strategy])}`);
      }
    }
    console.log(`\nIncrement of ${NEW_ROWS + UPDATED_ROWS} rows (${NEW_ROWS} new, ${UPDATED_ROWS} updated), median of ${REPEATS}:\n`);
    console.log('| strategy | table rows | kpi run (median) | bare SQL (median) | bare SQL, unique_key not indexed |');
    console.log('|---|---|---|---|---|');
    for (const line of lines) console.log(line);
  } finally {
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.query(`drop schema if exists "${raw}" cascade`);
    await client.end();
    await adapter.close();
    removeDir(dir);
  }
}

await main();
