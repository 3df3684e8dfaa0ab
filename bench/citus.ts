/**
 * The KPI mart on one server and on a Citus cluster, in one run: a full build of N
 * locations on each, the time of every model (kpi's execution_time), and on the cluster the
 * work each shard does for the dashboard's and the thresholds' full builds (EXPLAIN ANALYZE
 * of their SQL with every task shown, per-node timing off: it would inflate the figures),
 * from which the build time on workers of their own machines is estimated.
 *
 *   npx tsx bench/citus.ts [--locations 10] [--start 2023-01-01] [--end 2025-03-31]
 *   KPI_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test): the single server
 *   KPI_TEST_CITUS_URL (default postgres://postgres@127.0.0.1:9700/postgres): the coordinator
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { build, compile } from '../src/api.js';
import { PostgresAdapter } from '../src/adapters/postgres/postgres-adapter.js';
import { targetFromUrl } from '../src/config/profiles.js';
import type { NodeResult } from '../src/execution/types.js';
import { removeDir } from '../tests/helpers/fixtures.js';
import { copyKpiProject } from '../tests/helpers/kpi-project.js';

const argument = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const locations = Number(argument('locations', '10'));
const vars = { demo_start_date: argument('start', '2023-01-01'), demo_end_date: argument('end', '2025-03-31'), demo_entities: locations };
const targets = {
  'single server': process.env.KPI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  'Citus cluster': process.env.KPI_TEST_CITUS_URL ?? 'postgres://postgres@127.0.0.1:9700/postgres',
};
const schema = `kpi_bench_citus_${locations}`;
/** The heavy models whose full builds run per shard: their shard tasks are timed with EXPLAIN ANALYZE. */
const PER_SHARD = ['agg_kpi_dashboard', 'kpi_thresholds'];

function writeEntities(dir: string): void {
  const rows = ['entity_id,entity_code,entity_name,entity_type,parent_entity_id', '0,ALL,All locations,total,'];
  for (let i = 1; i <= locations; i++) rows.push(`${i},LOC${i},Location ${i},location,0`);
  writeFileSync(join(dir, 'seeds/dim_entity.csv'), `${rows.join('\n')}\n`);
}

interface ShardTask {
  node: string;
  ms: number;
}

/** Every shard task's worker and execution time, in an EXPLAIN (ANALYZE, FORMAT JSON) of a distributed query with citus.explain_all_tasks on. */
function shardTasks(node: unknown): ShardTask[] {
  if (Array.isArray(node)) return node.flatMap(shardTasks);
  if (!node || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const tasks = Array.isArray(record.Tasks) ? (record.Tasks as Array<Record<string, unknown>>) : [];
  const own = tasks.flatMap((task) => {
    const remote = (task['Remote Plan'] as Array<Array<{ 'Execution Time'?: number; Plan?: { 'Actual Total Time'?: number } }>> | undefined)?.[0]?.[0];
    const ms = remote?.['Execution Time'] ?? remote?.Plan?.['Actual Total Time'];
    return typeof ms === 'number' ? [{ node: String(task.Node ?? '?'), ms }] : [];
  });
  const nested = Object.entries(record).flatMap(([key, value]) => (key !== 'Tasks' && typeof value === 'object' ? shardTasks(value) : []));
  return [...own, ...nested];
}

async function measure(label: string, url: string): Promise<{ results: NodeResult[]; wall: number; shards?: Record<string, ShardTask[]> }> {
  const dir = copyKpiProject();
  writeEntities(dir);
  const adapter = new PostgresAdapter({ url, poolSize: 5 });
  try {
    await adapter.withConnection(async (connection) => {
      for (const suffix of ['', '_raw', '_analytics']) await connection.query(`drop schema if exists "${schema}${suffix}" cascade`);
    });
    const target = targetFromUrl(url, schema, 4);
    const started = performance.now();
    const summary = await build({ projectDir: dir, targetConfig: target, adapter, vars, exclude: ['resource_type:test', 'resource_type:unit_test'] });
    const wall = (performance.now() - started) / 1000;
    if (!summary.success) throw new Error(`${label}: ${summary.results.filter((result) => result.status === 'error').map((result) => result.message)}`);
    if (!adapter.capabilities.citus) return { results: summary.results, wall };
    const shards: Record<string, ShardTask[]> = {};
    for (const model of PER_SHARD) {
      const compiled = await compile({ projectDir: dir, targetConfig: target, adapter, vars, select: [model], fullRefresh: true });
      const sql = compiled[0].sql;
      shards[model] = await adapter.withConnection(async (connection) => {
        await connection.query('set citus.explain_all_tasks = on');
        // One connection a worker, as in kpi's builds (sequential mode): with Citus's default
        // pool, a worker runs many shard tasks at once on the same cores, and each task's
        // time then includes its wait for the others (the sum was six times the build).
        await connection.query('set citus.max_adaptive_executor_pool_size = 1');
        const plan = await connection.query<{ 'QUERY PLAN': unknown }>(`explain (analyze, timing off, format json) ${sql}`);
        return shardTasks(plan.rows[0]['QUERY PLAN']);
      });
    }
    return { results: summary.results, wall, shards };
  } finally {
    await adapter.close();
    removeDir(dir);
  }
}

const cpuBefore = process.cpuUsage();
console.log(
  `KPI mart, ${locations} locations, ${vars.demo_start_date}..${vars.demo_end_date}, full build (seeds + models, no tests); load ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}`,
);
const measured: Record<string, Awaited<ReturnType<typeof measure>>> = {};
for (const [label, url] of Object.entries(targets)) measured[label] = await measure(label, url);
const names = measured['single server'].results.filter((result) => result.unique_id.startsWith('model.') || result.unique_id.startsWith('seed.')).map((result) => result.unique_id);
const time = (label: string, id: string) => measured[label].results.find((result) => result.unique_id === id)?.execution_time ?? NaN;
console.log(`\n| node | single server (s) | Citus, 2 workers (s) |\n|---|---:|---:|`);
for (const id of names) console.log(`| ${id.split('.').at(-1)} | ${time('single server', id).toFixed(2)} | ${time('Citus cluster', id).toFixed(2)} |`);
console.log(`| **build, wall** | ${measured['single server'].wall.toFixed(1)} | ${measured['Citus cluster'].wall.toFixed(1)} |`);
for (const model of PER_SHARD) {
  const tasks = measured['Citus cluster'].shards?.[model] ?? [];
  const total = tasks.reduce((sum, task) => sum + task.ms, 0) / 1000;
  const longest = Math.max(...tasks.map((task) => task.ms)) / 1000;
  console.log(`\n${model} full build on the cluster: ${tasks.length} shard tasks, ${total.toFixed(2)} s of work in all, the longest ${longest.toFixed(3)} s`);
  for (const node of [...new Set(tasks.map((task) => task.node))].sort()) {
    const own = tasks.filter((task) => task.node === node);
    console.log(`  ${node}: ${own.length} shards, ${(own.reduce((sum, task) => sum + task.ms, 0) / 1000).toFixed(2)} s`);
  }
  // A worker runs its shards one after another (sequential mode), and no worker finishes before its longest shard.
  for (const workers of [2, 4, 8, 16])
    console.log(`  on ${workers} workers of their own: ≈ ${Math.max(total / workers, longest).toFixed(2)} s (max(work / workers, longest shard)) + coordinator overhead`);
}
const cpu = process.cpuUsage(cpuBefore);
console.log(
  `\nkpi process CPU: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; load now ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}`,
);
