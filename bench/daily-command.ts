/**
 * The KPI project's daily command as a user runs it, `kpi run --select fact_kpi_daily+`, as
 * a whole process on the server after one new day of data arrived: CPU seconds and wall.
 *   npm run build && npx tsx bench/daily-command.ts
 *   server: KPI_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/test
 * Set-up (untimed, in this process): the project built through the day before yesterday,
 * then the demo's raw data and the wide mart (everything upstream of fact_kpi_daily) for
 * yesterday, as a loader would bring it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { execute, run } from '../src/api.js';
import { addDays, copyKpiProject } from '../tests/helpers/kpi-project.js';
import { removeDir } from '../tests/helpers/fixtures.js';
import { timeProcess } from './compile-process.js';

const url = process.env.KPI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const kpiBin = fileURLToPath(new URL('../bin/kpi.js', import.meta.url));
const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);

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
  for (const what of ['new day', 'same day again']) {
    const timed = timeProcess([kpiBin, 'run', '--select', 'fact_kpi_daily+', '--vars', vars, '--project-dir', dir], dir);
    console.log(`kpi run --select fact_kpi_daily+ (${what}): ${timed.cpu.toFixed(2)} s CPU, ${timed.wall.toFixed(2)} s wall, ${timed.rssMb} MB`);
  }
  const parseOnly = timeProcess([kpiBin, 'ls', '--select', 'fact_kpi_daily+', '--vars', vars, '--project-dir', dir], dir);
  console.log(`kpi ls --select fact_kpi_daily+ (its parse and selection alone): ${parseOnly.cpu.toFixed(2)} s CPU, ${parseOnly.wall.toFixed(2)} s wall`);
} finally {
  removeDir(dir);
}
