/**
 * `kpi dashboard`'s benchmark: the KPI mart built (2015 → yesterday), the dashboard served
 * on it, then the board API's latency (each as-of date asked for the first time, then
 * again from the answer cache), a KPI page's series, /metrics, a window switch in Chromium
 * (click to drawn, cold and warm) and the static report.
 *
 *   npx tsx bench/dashboard.ts                          # 1 location, server and PGlite
 *   npx tsx bench/dashboard.ts --entities 100 --databases server
 *   KPI_TEST_PG_URL=postgres://... selects the server (default postgres://postgres@127.0.0.1:5432/test)
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Page } from 'playwright-core';
import { dashboard, execute, run } from '../src/api.js';
import type { Adapter } from '../src/adapters/adapter.js';
import { PgliteAdapter } from '../src/adapters/pglite/pglite-adapter.js';
import { PostgresAdapter } from '../src/adapters/postgres/postgres-adapter.js';
import { TEXT_PARSERS } from '../src/adapters/type-parsers.js';
import { targetFromUrl, type TargetConfig } from '../src/config/profiles.js';
import { launchBrowser } from '../tests/helpers/browser.js';
import { startDashboard } from '../tests/helpers/dashboard.js';
import { removeDir } from '../tests/helpers/fixtures.js';
import { addDays, copyKpiProject } from '../tests/helpers/kpi-project.js';

const url = process.env.KPI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);

function option(name: string): string | null {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : null;
}

function writeEntities(dir: string, locations: number): void {
  const rows = ['entity_id,entity_code,entity_name,entity_type,parent_entity_id', '0,ALL,All locations,total,'];
  for (let i = 1; i <= locations; i++) rows.push(`${i},LOC${i},Location ${i},location,0`);
  writeFileSync(join(dir, 'seeds/dim_entity.csv'), `${rows.join('\n')}\n`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(values: number[]): string {
  return `p50 ${percentile(values, 50).toFixed(1)} ms, p95 ${percentile(values, 95).toFixed(1)} ms (n=${values.length})`;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/**
 * Click a window tab and wait until the board for it is drawn (and the next frame painted).
 * Given as text: tsx wraps a function's inner functions in a helper the page does not have.
 */
function switchWindow(page: Page, target: number): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const started = performance.now();
    const done = (event) => {
      if (event.detail.page !== 'board' || event.detail.window !== ${target}) return;
      window.removeEventListener('kpi:rendered', done);
      requestAnimationFrame(() => resolve(performance.now() - started));
    };
    window.addEventListener('kpi:rendered', done);
    document.querySelector('#windows button[data-window="${target}"]').click();
  })`);
}

async function measure(label: string, adapter: Adapter, target: TargetConfig, locations: number): Promise<void> {
  const dir = copyKpiProject();
  writeEntities(dir, locations);
  const vars = { demo_entities: locations, demo_end_date: yesterday };
  const options = { projectDir: dir, targetConfig: target, adapter, threads: adapter.capabilities.parallel ? 4 : 1, vars };
  try {
    let started = performance.now();
    await execute('seed', options);
    const built = await run(options);
    if (!built.success) throw new Error(`${label}: the build failed: ${built.results.find((result) => result.status === 'error')?.message}`);
    const buildSeconds = (performance.now() - started) / 1000;
    const server = await startDashboard({ ...options, pollSeconds: 0 });
    try {
      const board = (date: string, window: number) => server.get(`/api/board?date=${date}&window=${window}`);
      await board(yesterday, 7);
      const dates = Array.from({ length: 40 }, (_, index) => addDays(yesterday, -7 * (index + 1)));
      const cold: number[] = [];
      // This process's CPU (the client, the HTTP server and, on PGlite, the database): what a
      // loaded machine's wall clock hides.
      const cpuBefore = process.cpuUsage();
      for (const date of dates) cold.push(await timed(() => board(date, 7)));
      const cpuUsed = process.cpuUsage(cpuBefore);
      const coldCpu = (cpuUsed.user + cpuUsed.system) / 1000 / dates.length;
      const warm: number[] = [];
      for (const date of dates) warm.push(await timed(() => board(date, 7)));
      const series: number[] = [];
      for (const code of ['TR_WINE', 'TOTAL_DAILY', 'ONLINE_ORDERS', 'NO_SHOW_RATE', 'CLUB_ACTIVE', 'AOV']) series.push(await timed(() => server.get(`/api/kpi/${code}?date=${dates[3]}`)));
      const metrics: number[] = [];
      for (let i = 0; i < 5; i++) metrics.push(await timed(() => server.get('/metrics')));
      const metricsBytes = (await server.get('/metrics')).text.length;

      const browser = await launchBrowser();
      const switchCold: number[] = [];
      const switchWarm: number[] = [];
      try {
        const page = await browser.context.newPage();
        for (const date of dates.slice(0, 10).map((day) => addDays(day, -3))) {
          await page.goto(`${server.url}?date=${date}`);
          await page.waitForSelector('body[data-state=ready], body[data-state=error]');
          if ((await page.getAttribute('body', 'data-state')) !== 'ready') throw new Error(`the board of ${date} did not draw: ${await page.textContent('main')}`);
          switchCold.push(await switchWindow(page, 30));
          switchCold.push(await switchWindow(page, 60));
          switchWarm.push(await switchWindow(page, 7));
          switchWarm.push(await switchWindow(page, 30));
        }
      } finally {
        await browser.close();
      }

      const file = join(dir, 'report.html');
      started = performance.now();
      await dashboard({ ...options, out: file });
      const reportSeconds = (performance.now() - started) / 1000;

      console.log(`\n${label}, ${locations} location(s) (load ${loadavg()[0].toFixed(1)}; build ${buildSeconds.toFixed(1)} s)`);
      console.log(`  board API, each date the first time: ${summary(cold)}; this process's CPU ${coldCpu.toFixed(1)} ms a request`);
      console.log(`  board API, the same dates again (answer cache): ${summary(warm)}`);
      console.log(`  KPI series API (365 days, all windows, drill-down): ${summary(series)}`);
      console.log(`  /metrics: ${summary(metrics)}, ${Math.round(metricsBytes / 1024)} kB`);
      console.log(`  window switch in Chromium, click to drawn, first time: ${summary(switchCold)}`);
      console.log(`  window switch in Chromium, click to drawn, again: ${summary(switchWarm)}`);
      console.log(`  static report: ${reportSeconds.toFixed(1)} s, ${(statSync(file).size / 1024 / 1024).toFixed(1)} MB`);
    } finally {
      await server.stop();
    }
  } finally {
    await adapter.withConnection(async (connection) => {
      for (const suffix of ['', '_raw', '_analytics']) await connection.query(`drop schema if exists "${target.schema}${suffix}" cascade`);
    });
    removeDir(dir);
  }
}

const locations = Number(option('--entities') ?? 1);
const databases = (option('--databases') ?? 'server,pglite').split(',');
if (databases.includes('server')) {
  const server = new PostgresAdapter({ url, poolSize: 6 });
  try {
    await measure('server (Postgres)', server, targetFromUrl(url, `kpi_dashbench_${locations}`, 4), locations);
  } finally {
    await server.close();
  }
}
if (databases.includes('pglite')) {
  // On disk, as `kpi` opens .kpi/pglite.
  const dataDir = mkdtempSync(join(tmpdir(), 'kpi-dashbench-pglite-'));
  const db = await PGlite.create(dataDir, { parsers: TEXT_PARSERS });
  const adapter = await PgliteAdapter.open({ db });
  try {
    await measure('embedded (PGlite)', adapter, { type: 'pglite', name: 'dev', profileName: 'bench', schema: `kpi_dashbench_${locations}`, threads: 1, path: dataDir }, locations);
  } finally {
    await db.close();
    removeDir(dataDir);
  }
}
