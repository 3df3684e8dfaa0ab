/**
 * The KPI mart's daily increment on a Citus cluster, with the models of another revision and
 * with this one's: a full build of N locations, one new day into the sources, the wide mart
 * and the facts, then the increments of agg_kpi_dashboard and kpi_thresholds (each run alone,
 * kpi's execution_time) with the models and macros of `--before` (a git revision) and of the
 * working tree, alternately, `--repeats` times each. An increment of the same day is
 * idempotent (the same rows merged again), so every run does the same work.
 *
 *   npx tsx bench/citus-increment.ts [--locations 10] [--start 2023-01-01] [--end 2025-03-31] [--before main] [--repeats 3]
 *   KPI_TEST_CITUS_URL (default postgres://postgres@127.0.0.1:9700/postgres): the coordinator
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { build, run } from '../src/api.js';
import { PostgresAdapter } from '../src/adapters/postgres/postgres-adapter.js';
import { targetFromUrl } from '../src/config/profiles.js';
import { REPO_ROOT, removeDir } from '../tests/helpers/fixtures.js';
import { addDays, copyKpiProject } from '../tests/helpers/kpi-project.js';

const argument = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const locations = Number(argument('locations', '10'));
const before = argument('before', 'main');
const repeats = Number(argument('repeats', '3'));
const end = argument('end', '2025-03-31');
const vars = { demo_start_date: argument('start', '2023-01-01'), demo_end_date: end, demo_entities: locations };
const next = { ...vars, demo_end_date: addDays(end, 1) };
const url = process.env.KPI_TEST_CITUS_URL ?? 'postgres://postgres@127.0.0.1:9700/postgres';
const schema = `kpi_bench_citus_incr_${locations}`;
const MODELS = ['agg_kpi_dashboard', 'kpi_thresholds'];

const git = (...args: string[]) => execFileSync('git', ['-C', REPO_ROOT, ...args], { encoding: 'utf8' });
/** The project's model and macro files as they are at `before`, where they differ from the working tree. */
const changed = git('diff', '--name-only', before, '--', 'models', 'macros').split('\n').filter(Boolean);
const beforeFiles = new Map(changed.map((path) => [path, git('show', `${before}:${path}`)]));

function projectDir(files: Map<string, string>): string {
  const dir = copyKpiProject();
  const rows = ['entity_id,entity_code,entity_name,entity_type,parent_entity_id', '0,ALL,All locations,total,'];
  for (let i = 1; i <= locations; i++) rows.push(`${i},LOC${i},Location ${i},location,0`);
  writeFileSync(join(dir, 'seeds/dim_entity.csv'), `${rows.join('\n')}\n`);
  for (const [path, text] of files) writeFileSync(join(dir, path), text);
  return dir;
}

const dirs = { before: projectDir(beforeFiles), after: projectDir(new Map()) };
const adapter = new PostgresAdapter({ url, poolSize: 5 });
const target = targetFromUrl(url, schema, 4);
const failed = (summary: Awaited<ReturnType<typeof run>>) => summary.results.filter((result) => !['success', 'pass'].includes(result.status)).map((result) => `${result.unique_id}: ${result.message}`);

try {
  console.log(
    `KPI mart increments on Citus, ${locations} locations, ${vars.demo_start_date}..${next.demo_end_date}; models of ${before} (${changed.join(', ') || 'no change'}) against the working tree; load ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}`,
  );
  await adapter.withConnection(async (connection) => {
    for (const suffix of ['', '_raw', '_analytics']) await connection.query(`drop schema if exists "${schema}${suffix}" cascade`);
  });
  const full = await build({ projectDir: dirs.after, targetConfig: target, adapter, vars, exclude: ['resource_type:test', 'resource_type:unit_test'] });
  if (failed(full).length > 0) throw new Error(failed(full).join('\n'));
  const upstream = await run({ projectDir: dirs.after, targetConfig: target, adapter, vars: next, select: ['+fact_kpi_daily'] });
  if (failed(upstream).length > 0) throw new Error(failed(upstream).join('\n'));
  const times: Record<string, Record<string, number[]>> = { before: {}, after: {} };
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const variant of ['before', 'after'] as const) {
      for (const model of MODELS) {
        const summary = await run({ projectDir: dirs[variant], targetConfig: target, adapter, vars: next, select: [model] });
        if (failed(summary).length > 0) throw new Error(`${variant}: ${failed(summary).join('\n')}`);
        (times[variant][model] ??= []).push(summary.results[0].execution_time);
      }
    }
  }
  console.log(`\n| increment of one day | ${before} (s) | this tree (s) |\n|---|---:|---:|`);
  const list = (values: number[]) => values.map((value) => value.toFixed(2)).join(', ');
  for (const model of MODELS) console.log(`| ${model} | ${list(times.before[model])} | ${list(times.after[model])} |`);
  console.log(
    `\nload now ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}`,
  );
} finally {
  await adapter.withConnection(async (connection) => {
    for (const suffix of ['', '_raw', '_analytics']) await connection.query(`drop schema if exists "${schema}${suffix}" cascade`);
  });
  await adapter.close();
  for (const dir of Object.values(dirs)) removeDir(dir);
}
