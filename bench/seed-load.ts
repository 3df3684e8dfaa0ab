/**
 * How fast `kpi seed` loads a large CSV, against psql's `\copy` of the same file into an
 * equivalent table on the same server, in the same run.
 *
 *   npx tsx bench/seed-load.ts [--rows 1000000] [--rounds 5]
 *
 * Server: KPI_TEST_PG_URL, or postgres://postgres@127.0.0.1:5432/test. The benchmark works
 * in a schema of its own and drops it at the end. It builds dist/ first, then times the
 * real binary (`node bin/kpi.js seed`) as a user runs it: process start, parse, read,
 * check, COPY and swap.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const URL = process.env.KPI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const ROWS = option('rows', 1_000_000);
const ROUNDS = option('rounds', 5);

/** Ten columns of the kinds seeds hold: ids, codes with leading zeros, amounts, flags, dates, times, quoted text. */
async function writeCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('id,customer_code,amount,quantity,is_active,order_date,created_at,customer_name,external_id,category\n');
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    const day = new Date(Date.UTC(2020, 0, 1) + (i % 1500) * 86_400_000).toISOString().slice(0, 10);
    const time = `${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`;
    chunk += `${i},C${String(i % 99_999).padStart(5, '0')},${(i % 100_000) / 100},${i % 50},${i % 3 === 0},${day},${day} ${time},"Customer ${i}, Ltd",${3_000_000_000 + i},cat_${i % 7}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  await new Promise<void>((resolve, reject) => out.end(chunk, () => resolve()).on('error', reject));
}

function seconds(run: () => void): number {
  const started = performance.now();
  run();
  return (performance.now() - started) / 1000;
}

function kpiSeed(dir: string, target: string, fullRefresh: boolean): { wall: number; load: number; message: string } {
  const args = [join(ROOT, 'bin/kpi.js'), 'seed', '--project-dir', dir, '--profiles-dir', dir, '--target', target, ...(fullRefresh ? ['--full-refresh'] : [])];
  let result: ReturnType<typeof spawnSync> | undefined;
  const wall = seconds(() => {
    result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, KPI_BENCH_URL: URL } });
  });
  if (result?.status !== 0) throw new Error(`kpi seed failed:\n${result?.stdout}\n${result?.stderr}`);
  const runResults = JSON.parse(readFileSync(join(dir, 'target/run_results.json'), 'utf8')) as { results: Array<{ execution_time: number; message: string }> };
  return { wall, load: runResults.results[0].execution_time, message: runResults.results[0].message };
}

function psqlCopy(table: string, file: string): number {
  return seconds(() => {
    execFileSync('psql', [URL, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `\\copy ${table} from '${file}' with (format csv, header true)`], { stdio: 'pipe' });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rate = (secondsTaken: number) => Math.round(ROWS / secondsTaken).toLocaleString('en-US');

async function main(): Promise<void> {
  console.log('building dist/ ...');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });

  const dir = mkdtempSync(join(tmpdir(), 'kpi-bench-seed-'));
  const schema = `kpi_bench_${randomBytes(4).toString('hex')}`;
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    mkdirSync(join(dir, 'seeds'));
    const csv = join(dir, 'seeds', 'bench_rows.csv');
    await writeCsv(csv, ROWS);
    const megabytes = statSync(csv).size / 1e6;
    writeFileSync(join(dir, 'kpi_project.yml'), 'name: bench\nprofile: bench\n');
    writeFileSync(
      join(dir, 'profiles.yml'),
      [
        'bench:',
        '  target: server',
        '  outputs:',
        '    server:',
        '      type: postgres',
        `      url: "{{ env_var('KPI_BENCH_URL') }}"`,
        `      schema: ${schema}`,
        '      threads: 1',
        '    embedded:',
        '      type: pglite',
        '      path: .kpi/pglite',
        '      schema: bench',
        '      threads: 1',
      ].join('\n'),
    );
    const server = await client.query<{ server_version: string }>('show server_version');
    console.log(`${ROWS.toLocaleString('en-US')} rows, 10 columns, ${megabytes.toFixed(1)} MB; Postgres ${server.rows[0].server_version}; ${ROUNDS} rounds`);
    // Other work on the machine slows both sides, but kpi more: its reading overlaps the server's load only on an idle core.
    console.log(`load average at start: ${loadavg()[0].toFixed(1)}\n`);

    // The first load creates the table and says which types kpi inferred; \copy gets a table of the same types.
    const first = kpiSeed(dir, 'server', false);
    const columns = await client.query<{ name: string; type: string }>(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
       where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`,
      [`"${schema}".bench_rows`],
    );
    const copyTable = `"${schema}".copy_rows`;
    console.log(`inferred: ${columns.rows.map((column) => `${column.name} ${column.type}`).join(', ')}\n`);

    const kpiCreate: Array<{ wall: number; load: number }> = [first];
    const kpiReload: Array<{ wall: number; load: number }> = [];
    const copy: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await client.query(`drop table if exists ${copyTable}`);
      await client.query(`create table ${copyTable} (${columns.rows.map((column) => `"${column.name}" ${column.type}`).join(', ')})`);
      copy.push(psqlCopy(copyTable, csv));
      if (round > 0) kpiCreate.push(kpiSeed(dir, 'server', true));
      kpiReload.push(kpiSeed(dir, 'server', false));
    }
    const count = await client.query<{ n: string }>(`select count(*) as n from "${schema}".bench_rows`);
    if (Number(count.rows[0].n) !== ROWS) throw new Error(`kpi loaded ${count.rows[0].n} rows, not ${ROWS}`);

    const pgliteCold = kpiSeed(dir, 'embedded', false);
    const pgliteWarm = kpiSeed(dir, 'embedded', true);

    // The machine is shared: the best round shows each load's own cost, the median what a user saw.
    const best = (values: number[]) => Math.min(...values);
    const row = (label: string, values: number[], compare: boolean) => {
      const fastest = best(values);
      const typical = median(values);
      const ratio = compare ? ` | ${(fastest / best(copy)).toFixed(2)}× | ${(typical / median(copy)).toFixed(2)}×` : ' | | ';
      return `| ${label} | ${fastest.toFixed(2)} | ${typical.toFixed(2)} | ${rate(fastest)}${ratio} |`;
    };
    const lines = [
      '| load | best s | median s | rows/s (best) | vs \\copy (best) | vs \\copy (median) |',
      '|---|---:|---:|---:|---:|---:|',
      row('psql \\copy into an existing table (server)', copy, true),
      row(
        'kpi seed, new table (server, whole command)',
        kpiCreate.map((run) => run.wall),
        true,
      ),
      row(
        'kpi seed, new table (server, the seed node alone)',
        kpiCreate.map((run) => run.load),
        true,
      ),
      row(
        'kpi seed, reload into the same table (server, whole command)',
        kpiReload.map((run) => run.wall),
        true,
      ),
      row('kpi seed, new table (PGlite, first open of the database)', [pgliteCold.wall], false),
      row('kpi seed, new table (PGlite, whole command)', [pgliteWarm.wall], false),
    ];
    console.log(lines.join('\n'));
    const list = (values: number[]) => values.map((value) => value.toFixed(2)).join(' ');
    console.log(`\nrounds (s): \\copy ${list(copy)}; kpi create ${list(kpiCreate.map((run) => run.wall))}; kpi reload ${list(kpiReload.map((run) => run.wall))}`);
    console.log(`load average at end: ${loadavg()[0].toFixed(1)}`);
    const ratio = best(kpiCreate.map((run) => run.wall)) / best(copy);
    console.log(`target: kpi seed within 1.5× of \\copy on the server (best rounds): ${ratio <= 1.5 ? 'met' : 'MISSED'} (${ratio.toFixed(2)}×)`);
  } finally {
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
