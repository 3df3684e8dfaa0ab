/**
 * The KPI mart's benchmark: a full build (2015 → yesterday) and one daily increment, with
 * 1 and 100 locations, on the server and the embedded database; the time Postgres spends
 * on each heavy model's SQL alone beside kpi's; and the three BI queries' latency.
 *
 *   npx tsx bench/kpi-mart.ts                 # 1 location on both databases, 100 on the server
 *   npx tsx bench/kpi-mart.ts --entities 1    # only 1 location
 *   npx tsx bench/kpi-mart.ts --entities 100 --databases pglite   # one database at any size
 *   npx tsx bench/kpi-mart.ts --entities 1 --parts 1   # the project's var kpi_parallel_parts (default 2)
 *   KPI_TEST_PG_URL=postgres://... selects the server (default postgres://postgres@127.0.0.1:5432/test)
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { execute, run } from '../src/api.js';
import type { Adapter } from '../src/adapters/adapter.js';
import { PgliteAdapter } from '../src/adapters/pglite/pglite-adapter.js';
import { TEXT_PARSERS } from '../src/adapters/type-parsers.js';
import { PostgresAdapter } from '../src/adapters/postgres/postgres-adapter.js';
import { targetFromUrl, type TargetConfig } from '../src/config/profiles.js';
import type { NodeResult } from '../src/execution/types.js';
import { copyKpiProject, addDays } from '../tests/helpers/kpi-project.js';
import { removeDir } from '../tests/helpers/fixtures.js';

const url = process.env.KPI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const HEAVY = ['fact_kpi_daily', 'agg_kpi_dashboard', 'kpi_thresholds', 'kpi_status_history'];
/** The models whose full build runs in kpi_parallel_parts parts on a server. */
const PARTED = ['fact_kpi_daily', 'kpi_thresholds', 'kpi_status_history'];
const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);

function writeEntities(dir: string, locations: number): void {
  const rows = ['entity_id,entity_code,entity_name,entity_type,parent_entity_id', '0,ALL,All locations,total,'];
  for (let i = 1; i <= locations; i++) rows.push(`${i},LOC${i},Location ${i},location,0`);
  writeFileSync(join(dir, 'seeds/dim_entity.csv'), `${rows.join('\n')}\n`);
}

function seconds(results: NodeResult[], name: string): number {
  return results.find((result) => result.unique_id.endsWith(`.${name}`))?.execution_time ?? NaN;
}

/** The model's compiled SQL, run alone: `create temporary table` of it, timed. */
async function bareSql(adapter: Adapter, dir: string, model: string): Promise<number> {
  const sql = readFileSync(join(dir, 'target/compiled/kpi/models/kpi', `${model}.sql`), 'utf8').replace(/[\s;]+$/, '');
  return adapter.withConnection(async (connection) => {
    await connection.query(`drop table if exists bench_bare`);
    // As the models run it (kpi_project.yml's pre-hook): without JIT.
    await connection.query('begin');
    await connection.query('set local jit = off');
    const started = performance.now();
    await connection.query(`create temporary table bench_bare as ${sql}`);
    const elapsed = (performance.now() - started) / 1000;
    await connection.query('commit');
    await connection.query(`drop table bench_bare`);
    return elapsed;
  });
}

/** The model's compiled SQL in `parts` parts at once, each on a connection of its own as the build runs them: the time of the slowest. */
async function bareSqlInParts(adapter: Adapter, dir: string, model: string, parts: number): Promise<number> {
  const sql = readFileSync(join(dir, 'target/compiled/kpi/models/kpi', `${model}.sql`), 'utf8').replace(/[\s;]+$/, '');
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parts }, (_, part) =>
      adapter.withConnection(async (connection) => {
        await connection.query('begin');
        await connection.query('set local jit = off');
        await connection.query(`select set_config('kpi.parallel_parts', '${parts}', true), set_config('kpi.parallel_part', '${part}', true)`);
        await connection.query(`create temporary table bench_bare on commit drop as ${sql}`);
        await connection.query('commit');
      }),
    ),
  );
  return (performance.now() - started) / 1000;
}

async function biLatency(adapter: Adapter, schema: string): Promise<Record<string, number>> {
  const queries: Record<string, string> = {
    "today's board": `select * from "${schema}".agg_kpi_dashboard where as_of_date = $1`,
    'one KPI over 30 days': `select as_of_date, mtd_value, ytd_value from "${schema}".agg_kpi_dashboard where kpi_id = 14 and entity_id = 0 and as_of_date >= $1::date - 30 order by as_of_date desc`,
    'payload with dim_kpi': `select dk.kpi_code, dk.kpi_name, dk.format, t.payload from "${schema}".agg_kpi_dashboard_payload t join "${schema}".dim_kpi dk on dk.kpi_id = t.kpi_id where t.as_of_date = $1 and t.entity_id = 0`,
  };
  const figures: Record<string, number> = {};
  await adapter.withConnection(async (connection) => {
    const latest = (await connection.query<{ d: string }>(`select max(as_of_date)::text as d from "${schema}".agg_kpi_dashboard`)).rows[0].d;
    for (const [name, sql] of Object.entries(queries)) {
      const times: number[] = [];
      for (let i = 0; i < 25; i++) {
        const started = performance.now();
        await connection.query(sql, [latest]);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      figures[name] = times[Math.floor(times.length / 2)];
    }
  });
  return figures;
}

async function measure(label: string, adapter: Adapter, target: TargetConfig, locations: number): Promise<void> {
  const dir = copyKpiProject();
  writeEntities(dir, locations);
  const vars = { demo_entities: locations, demo_end_date: yesterday, ...(partsOption ? { kpi_parallel_parts: partsOption } : {}) };
  const parts = adapter.capabilities.parallel ? (partsOption ?? 2) : 1;
  const options = { projectDir: dir, targetConfig: target, adapter, threads: adapter.capabilities.parallel ? 4 : 1 };
  try {
    let started = performance.now();
    await execute('seed', { ...options, vars });
    const seedTotal = (performance.now() - started) / 1000;
    started = performance.now();
    const full = await run({ ...options, vars });
    const fullTotal = (performance.now() - started) / 1000;
    if (!full.success) throw new Error(`${label}: full build failed: ${full.results.find((r) => r.status === 'error')?.message}`);
    const fullBare: Record<string, number> = {};
    for (const model of HEAVY) fullBare[model] = await bareSql(adapter, dir, model);
    const fullParts: Record<string, number> = {};
    if (parts > 1) for (const model of PARTED) fullParts[model] = await bareSqlInParts(adapter, dir, model, parts);

    // The first increment right after a full build pays for the new tables' first reads
    // (hint bits, no visibility map yet); the second is a day like the ones that follow.
    const increments: Array<{ total: number; results: NodeResult[]; bare: Record<string, number> }> = [];
    for (const day of [1, 2]) {
      started = performance.now();
      const increment = await run({ ...options, vars: { ...vars, demo_end_date: addDays(yesterday, day) } });
      const total = (performance.now() - started) / 1000;
      if (!increment.success) throw new Error(`${label}: increment ${day} failed`);
      const bare: Record<string, number> = {};
      for (const model of HEAVY) bare[model] = await bareSql(adapter, dir, model);
      increments.push({ total, results: increment.results, bare });
    }

    const facts = await adapter.withConnection(async (c) => (await c.query<{ n: number }>(`select count(*)::int as n from "${target.schema}".fact_kpi_daily`)).rows[0].n);
    const bi = await biLatency(adapter, target.schema);
    console.log(`\n${label}, ${locations} location(s), ${facts.toLocaleString('en')} fact rows (load ${loadavg()[0].toFixed(1)})`);
    console.log(`  seeds: ${seedTotal.toFixed(2)} s; full build: ${fullTotal.toFixed(2)} s (all models); together ${(seedTotal + fullTotal).toFixed(2)} s`);
    const byTime = [...full.results].sort((a, b) => b.execution_time - a.execution_time);
    console.log(`    every model: ${byTime.map((r) => `${r.unique_id.split('.').pop()} ${r.execution_time.toFixed(2)}`).join(', ')}`);
    for (const model of HEAVY) {
      const inParts = fullParts[model] === undefined ? '' : ` | in ${parts} parts at once ${fullParts[model].toFixed(2)} s`;
      console.log(`    ${model.padEnd(18)} kpi ${seconds(full.results, model).toFixed(2)} s | its SQL alone ${fullBare[model].toFixed(2)} s${inParts}`);
    }
    for (const [index, increment] of increments.entries()) {
      console.log(`  daily increment ${index + 1}${index === 0 ? ' (right after the full build)' : ''}: ${increment.total.toFixed(2)} s (all models)`);
      for (const model of HEAVY) console.log(`    ${model.padEnd(18)} kpi ${seconds(increment.results, model).toFixed(3)} s | its SQL alone ${increment.bare[model].toFixed(3)} s`);
    }
    console.log(
      `  BI queries (median of 25): ${Object.entries(bi)
        .map(([name, ms]) => `${name} ${ms.toFixed(2)} ms`)
        .join(' | ')}`,
    );
  } finally {
    await adapter.withConnection(async (connection) => {
      for (const suffix of ['', '_raw', '_analytics']) await connection.query(`drop schema if exists "${target.schema}${suffix}" cascade`);
    });
    removeDir(dir);
  }
}

function option(name: string): string | null {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : null;
}

const only = option('--entities') ? Number(option('--entities')) : null;
const partsOption = option('--parts') ? Number(option('--parts')) : null;
// Without --databases, PGlite runs only at the small size: 100 locations is ~50 times its 1-location build.
const databases = option('--databases');
const onServer = databases === null || databases === 'server' || databases === 'both';
const onPglite = (locations: number) => databases === 'pglite' || databases === 'both' || (databases === null && locations <= 3);
const server = new PostgresAdapter({ url, poolSize: 6 });
try {
  for (const locations of only ? [only] : [1, 100]) {
    if (onServer) await measure('server (Postgres)', server, targetFromUrl(url, `kpi_bench_${locations}`, 4), locations);
    if (onPglite(locations)) {
      // On disk, as `kpi` opens it (.kpi/pglite): an in-memory PGlite grows its files by
      // copying them and writes big tables several times slower.
      const dataDir = mkdtempSync(join(tmpdir(), 'kpi-bench-pglite-'));
      const db = await PGlite.create(dataDir, { parsers: TEXT_PARSERS });
      const adapter = await PgliteAdapter.open({ db });
      try {
        await measure('embedded (PGlite)', adapter, { type: 'pglite', name: 'dev', profileName: 'bench', schema: `kpi_bench_${locations}`, threads: 1, path: dataDir }, locations);
      } finally {
        await db.close();
        removeDir(dataDir);
      }
    }
  }
} finally {
  await server.close();
}
