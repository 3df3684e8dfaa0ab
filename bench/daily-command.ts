/**
 * The KPI project's daily command as a user runs it, `kpi run --select fact_kpi_daily+`, as
 * a whole process on the server after one new day of data arrived: CPU seconds and wall.
 *   npm run build && npx tsx bench/daily-command.ts [rounds]   (default 5)
 *   server: KPI_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/test
 * Set-up (untimed, in this process): the project built through the day before yesterday,
 * then the demo's raw data and the wide mart (everything upstream of fact_kpi_daily) for
 * yesterday, as a loader would bring it. Each further round makes yesterday new again (untimed):
 * its rows are deleted from the four incremental models the command recomputes, so every round
 * does a new day's work, with the CLI's caches warm as a scheduler's runs find them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { execute, run } from '../src/api.js';
import { addDays, copyKpiProject } from '../tests/helpers/kpi-project.js';
import { removeDir } from '../tests/helpers/fixtures.js';
import pg from 'pg';
import { medianRange, timeProcess, type Timed } from './compile-process.js';

const url = process.env.KPI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const kpiBin = fileURLToPath(new URL('../bin/kpi.js', import.meta.url));
const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);
const rounds = Number(process.argv[2] ?? 5);
/** The incremental models the daily command recomputes, each with its day column. */
const incremental: Array<[string, string]> = [
  ['fact_kpi_daily', 'date_key'],
  ['agg_kpi_dashboard', 'as_of_date'],
  ['kpi_thresholds', 'as_of_date'],
  ['kpi_status_history', 'as_of_date'],
];

/** A connection to the server for the bench's own statements (set-up and clean-up, untimed). */
async function withServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The bench's schemas: the sandbox, and raw and analytics beside it (`<sandbox>_raw`...). */
async function benchSchemas(client: pg.Client, sandbox: string): Promise<string[]> {
  const found = await client.query<{ nspname: string }>("select nspname from pg_namespace where nspname = $1 or left(nspname, length($1) + 1) = $1 || '_'", [sandbox]);
  return found.rows.map((row) => row.nspname);
}

/** Yesterday's rows out of the incremental models, so the next run has a new day to add. */
async function forgetYesterday(sandbox: string): Promise<void> {
  await withServer(async (client) => {
    const schemas = await benchSchemas(client, sandbox);
    for (const [table, column] of incremental) {
      const found = await client.query<{ table_schema: string }>('select table_schema from information_schema.tables where table_name = $1 and table_schema = any($2)', [table, schemas]);
      if (found.rows.length !== 1) throw new Error(`${table}: expected one relation in ${schemas.join(', ')}, found ${found.rows.length}`);
      const deleted = await client.query(`delete from "${found.rows[0].table_schema}"."${table}" where ${column} = $1`, [yesterday]);
      if (!deleted.rowCount) throw new Error(`${table} held no rows for ${yesterday}: the run before did not add the day`);
    }
  });
}

/** Drops the bench's schemas, so a run leaves the server as it found it. */
async function dropSchemas(sandbox: string): Promise<void> {
  await withServer(async (client) => {
    for (const name of await benchSchemas(client, sandbox)) await client.query(`drop schema "${name}" cascade`);
  });
}

const dir = copyKpiProject();
const schema = `kpi_daily_bench_${process.pid}`;
writeFileSync(join(dir, 'profiles.yml'), `kpi:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      url: "${url}"\n      schema: ${schema}\n      threads: 4\n`);
try {
  const options = { projectDir: dir };
  const before = { demo_end_date: addDays(yesterday, -1) };
  await execute('seed', { ...options, vars: before });
  const full = await run({ ...options, vars: before });
  if (!full.success) throw new Error('the full build failed');
  const upstream = await run({ ...options, select: ['+agg_daily_revenue'], vars: { demo_end_date: yesterday } });
  if (!upstream.success) throw new Error('loading the new day failed');
  const vars = `{demo_end_date: '${yesterday}'}`;
  console.log(
    `load average ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')}`,
  );
  const command = [kpiBin, 'run', '--select', 'fact_kpi_daily+', '--vars', vars, '--project-dir', dir];
  const show = (what: string, timed: Timed) => console.log(`kpi run --select fact_kpi_daily+ (${what}): ${timed.cpu.toFixed(2)} s CPU, ${timed.wall.toFixed(2)} s wall, ${timed.rssMb} MB`);
  show('new day, first CLI run', timeProcess(command, dir));
  show('same day again', timeProcess(command, dir));
  const newDays: Timed[] = [];
  for (let round = 0; round < rounds; round++) {
    await forgetYesterday(schema);
    newDays.push(timeProcess(command, dir));
  }
  if (rounds > 0) console.log(`kpi run --select fact_kpi_daily+ (a new day, ${rounds} rounds): wall ${medianRange(newDays.map((t) => t.wall))}, CPU ${medianRange(newDays.map((t) => t.cpu))}`);
  const parseOnly = timeProcess([kpiBin, 'ls', '--select', 'fact_kpi_daily+', '--vars', vars, '--project-dir', dir], dir);
  console.log(`kpi ls --select fact_kpi_daily+ (its parse and selection alone): ${parseOnly.cpu.toFixed(2)} s CPU, ${parseOnly.wall.toFixed(2)} s wall`);
} finally {
  removeDir(dir);
  await dropSchemas(schema);
}
