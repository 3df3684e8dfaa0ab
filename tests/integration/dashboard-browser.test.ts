import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { alertsBacktest, build, dashboard } from '../../src/api.js';
import { formatBacktest } from '../../src/cli/format-backtest.js';
import type { BacktestArtifact } from '../../src/mart/backtest-artifact.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import { launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { startDashboard, type RunningDashboard } from '../helpers/dashboard.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { REPO_ROOT, removeDir } from '../helpers/fixtures.js';
import { copyKpiProject } from '../helpers/kpi-project.js';

// 2025-05-21: one Red KPI in the 7-day window (club shipments), one Yellow in the 30-day one.
const END = '2025-05-21';
const vars = { demo_start_date: '2024-01-01', demo_end_date: END, demo_entities: 1 };

/** KPI_DASHBOARD_SCREENSHOTS=docs writes the README's screenshots (from the server's run); they are always taken. */
function keepScreenshot(file: string, name: string, kind: string): void {
  expect(statSync(file).size).toBeGreaterThan(20_000);
  if (process.env.KPI_DASHBOARD_SCREENSHOTS === 'docs' && kind === databaseKinds().at(-1)) copyFileSync(file, join(REPO_ROOT, 'docs', name));
}

async function boardCounts(page: Page): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const status of ['red', 'yellow', 'green', 'grey', 'expected']) counts[status] = Number(await page.locator(`[data-count="${status}"]`).textContent());
  return counts;
}

async function rendered(page: Page, selector: string): Promise<void> {
  await page.waitForSelector(`body[data-state=ready] ${selector}`, { timeout: 30_000 });
}

/**
 * Resizes the page and waits for its redraw: 150 ms after a resize it draws #main anew. A
 * screenshot before that shows the old layout, and a click whose press lands on an old row and
 * whose release on its new copy is no click at all (a run on a loaded machine met that).
 */
async function resize(page: Page, size: { width: number; height: number }): Promise<void> {
  await page.evaluate(() => document.querySelectorAll('#main > *').forEach((element) => element.setAttribute('data-before-resize', '')));
  await page.setViewportSize(size);
  await page.waitForSelector('#main > :not([data-before-resize])', { timeout: 30_000 });
}

/**
 * A figure as a table cell shows it ('50.0%', '0.42', '3', '–') back to a number, and half
 * the last shown digit: the page rounds, so the artifact's figure must lie within that.
 */
function shownFigure(text: string): { value: number | null; slack: number } {
  const trimmed = text.trim();
  if (trimmed === '–') return { value: null, slack: 0 };
  const percent = trimmed.endsWith('%');
  const digits = /\.(\d+)/.exec(trimmed)?.[1].length ?? 0;
  const scale = percent ? 100 : 1;
  return { value: Number(trimmed.replace(/[%,]/g, '')) / scale, slack: (0.5 * 10 ** -digits) / scale + 1e-12 };
}

/** Every figure cell of a table row equals the artifact's figure of that name (within the shown rounding). */
async function expectRowFigures(page: Page, row: string, figures: Record<string, number | null>, label: string): Promise<void> {
  const cells = await page.locator(`${row} td[data-figure]`).evaluateAll((elements) => elements.map((element) => [element.getAttribute('data-figure') ?? '', element.textContent ?? '']));
  expect(cells.length, label).toBe(Object.keys(figures).length);
  for (const [name, text] of cells) {
    const want = figures[name];
    const shown = shownFigure(text);
    if (want === null) expect(shown.value, `${label} ${name}`).toBeNull();
    else expect(Math.abs((shown.value ?? Number.NaN) - want), `${label} ${name}: shown ${text}, artifact ${want}`).toBeLessThanOrEqual(shown.slack);
  }
}

type BacktestScore = BacktestArtifact['settings'][number]['kpis'][number];

/** The per-KPI table's columns, named as the page names its cells, from the artifact. */
function kpiFigures(kpi: BacktestScore): Record<string, number | null> {
  return {
    incidents: kpi.incidents,
    recall: kpi.recall,
    precision: kpi.precision,
    'days-to-detect': kpi.meanDaysToDetect,
    'false-reds': kpi.falseReds,
    'false-red-rate': kpi.falseRedRate,
    'false-reds-month': kpi.falseRedsPerMonth,
    'worst-false-reds-month': kpi.worstFalseRedsPerMonth,
    'worst-false-red-rate': kpi.worstFalseRedRate,
    'false-yellows-month': kpi.falseYellowsPerMonth,
  };
}

for (const kind of databaseKinds()) {
  describe(`kpi dashboard in a browser on ${kind}`, () => {
    let db: TestDatabase;
    let dir: string;
    let target: TargetConfig;
    let schema: string;
    let server: RunningDashboard;
    let browser: TestBrowser;
    let shots: string;
    const servingCounts = async (window: number) => {
      const counts: Record<string, number> = { red: 0, yellow: 0, green: 0, grey: 0, expected: 0 };
      const rows = await db.query<{ status: string; n: number }>(`select status, count(*)::int as n from "${schema}".kpi_serving where window_days = $1 and entity_id = 0 group by status`, [window]);
      for (const row of rows) counts[row.status] = row.n;
      return counts;
    };
    const kpiNames = async () => (await db.query<{ kpi_name: string }>(`select kpi_name from "${schema}".dim_kpi order by sort_order`)).map((row) => row.kpi_name);
    const pageErrors: string[] = [];
    const newPage = async () => {
      const page = await browser.context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });
      return page;
    };
    afterEach(() => {
      expect(pageErrors.splice(0)).toEqual([]);
    });

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      dir = copyKpiProject();
      shots = mkdtempSync(join(tmpdir(), 'kpi-dashboard-shots-'));
      target = db.target();
      schema = target.schema;
      const summary = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars });
      expect(summary.results.filter((result) => result.status === 'error')).toEqual([]);
      server = await startDashboard({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars, pollSeconds: 1 });
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await db?.close();
      removeDir(dir);
      removeDir(shots);
    });

    it("shows the board with every KPI and the serving table's counts; the 30-day tab shows the 30-day counts", async () => {
      const page = await newPage();
      await page.goto(server.url);
      await rendered(page, '.board[data-window="7"]');
      const names = await page.locator('.card .name').allTextContents();
      expect(names).toHaveLength(27);
      expect(names).toEqual(await kpiNames());
      const week = await servingCounts(7);
      expect(await boardCounts(page)).toEqual(week);
      // Every card draws its sparkline.
      expect(await page.locator('.card .spark canvas').count()).toBe(27);
      await page.screenshot({ path: join(shots, 'board.png') });
      keepScreenshot(join(shots, 'board.png'), 'dashboard-board.png', kind);

      await page.click('#windows button[data-window="30"]');
      await rendered(page, '.board[data-window="30"]');
      const month = await servingCounts(30);
      expect(month).not.toEqual(week);
      expect(await boardCounts(page)).toEqual(month);
      expect(page.url()).toBe(`${server.url}?window=30`);
      // The status tiles filter the cards.
      await page.click('button[data-filter="yellow"]');
      expect(await page.locator('.card:not([hidden])').count()).toBe(month.yellow);
      await page.close();
    });

    it('draws a KPI page: the series with its band, marked days, status timeline, changes and every entity', async () => {
      const page = await newPage();
      await page.goto(server.url);
      await rendered(page, '.board');
      await page.click('.card[data-kpi="ONLINE_ORDERS"]');
      await rendered(page, '.kpi-page[data-kpi="ONLINE_ORDERS"] #kpi-chart canvas');
      expect(page.url()).toBe(`${server.url}kpi/ONLINE_ORDERS`);
      const chart = page.locator('#kpi-chart');
      const box = await chart.locator('canvas').first().boundingBox();
      expect(box?.width).toBeGreaterThan(600);
      expect(box?.height).toBeGreaterThan(200);
      expect(await chart.getAttribute('data-series')).toBe('Day|Value|Lower bound|Upper bound|Red day|Yellow day');
      expect(Number(await chart.getAttribute('data-band-points'))).toBeGreaterThan(300);
      expect(await page.locator('.timeline .strip .cells').count()).toBe(3);
      expect(await page.locator('.timeline .cell.s-yellow').count()).toBeGreaterThan(0);
      expect(await page.locator('table.drill tbody tr').count()).toBe(2);
      // Hovering a day tells its figures, signals and reason.
      const canvas = await chart.locator('.u-over').boundingBox();
      if (!canvas) throw new Error('no chart overlay');
      await page.mouse.move(canvas.x + canvas.width * 0.5, canvas.y + canvas.height / 2);
      await expect.poll(async () => page.locator('#day-detail').textContent()).toMatch(/^\w+day \d{4}-\d\d-\d\d .*Value .*Expected \(7-day\) .*Signals/);
      await page.mouse.move(0, 0);
      await resize(page, { width: 1440, height: 1250 });
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(shots, 'kpi.png') });
      keepScreenshot(join(shots, 'kpi.png'), 'dashboard-kpi.png', kind);
      // The serving table's link (kpi_link_template) opens the same page.
      const [{ link }] = await db.query<{ link: string }>(`select link from "${schema}".kpi_serving where kpi_code = 'ONLINE_ORDERS' and entity_id = 0 and window_days = 30`);
      await page.goto(new URL(link, server.url).href);
      await rendered(page, '.kpi-page[data-kpi="ONLINE_ORDERS"] #kpi-chart canvas');
      await page.click('#windows button[data-window="60"]');
      await rendered(page, '.kpi-page[data-window="60"] #kpi-chart canvas');
      await page.close();
    });

    it('writes a static report that opens from file:// with no network request', async () => {
      const file = join(shots, 'report.html');
      const report = await dashboard({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars, out: file, window: 30 });
      expect(report).toMatchObject({ kind: 'report', date: END, window: 30, entity: 'ALL', kpis: 27 });
      const page = await newPage();
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(file).href);
      await rendered(page, '.board[data-window="30"]');
      expect(await page.locator('.card .name').allTextContents()).toEqual(await kpiNames());
      expect(await boardCounts(page)).toEqual(await servingCounts(30));
      await page.click('#windows button[data-window="7"]');
      await rendered(page, '.board[data-window="7"]');
      expect(await boardCounts(page)).toEqual(await servingCounts(7));
      await page.click('.card[data-kpi="TR_WINE"]');
      await rendered(page, '.kpi-page[data-kpi="TR_WINE"] #kpi-chart canvas');
      expect(Number(await page.locator('#kpi-chart').getAttribute('data-band-points'))).toBeGreaterThan(300);
      await page.goBack();
      await rendered(page, '.board[data-window="7"]');
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
      await page.close();
    });

    it('says on /backtest which command writes the backtest results while there are none', async () => {
      rmSync(join(dir, 'target', 'backtest_results.json'), { force: true });
      const answer = await server.get('/api/backtest');
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual({ error: 'no backtest results: target/backtest_results.json does not exist', hint: expect.stringMatching(/^kpi alerts backtest writes it/) });
      const page = await newPage();
      await page.goto(server.url);
      await rendered(page, '.board');
      // The board's header links the backtest page.
      await page.click('#backtest-link');
      await rendered(page, '.backtest-missing');
      expect(page.url()).toBe(`${server.url}backtest`);
      expect(await page.locator('.backtest-missing h1').textContent()).toBe('No backtest results to show');
      expect(await page.locator('.backtest-missing').textContent()).toContain('target/backtest_results.json does not exist');
      expect(await page.locator('.backtest-missing pre').textContent()).toBe('npx kpi alerts backtest --k 1.5,2,2.5,3');
      // A file it cannot read says so, and what to run.
      writeFileSync(join(dir, 'target', 'backtest_results.json'), '{"metadata": {"kpi_schema_version": "kpi/backtest-results/v0"}}');
      const damaged = await server.get('/api/backtest');
      expect(damaged.status).toBe(500);
      expect((damaged.json as { error: string }).error).toMatch(
        /backtest_results\.json is not a backtest result kpi can read: its version is "kpi\/backtest-results\/v0", this kpi reads kpi\/backtest-results\/v1/,
      );
      await page.reload();
      await rendered(page, '.backtest-missing');
      expect(await page.locator('.backtest-missing').textContent()).toContain('run kpi alerts backtest again');
      rmSync(join(dir, 'target', 'backtest_results.json'));
      await page.close();
      // The browser logs the API's 404 and 500 itself: those two, and nothing else, were expected.
      const logged = pageErrors.splice(0);
      expect(logged.filter((message) => !/Failed to load resource: the server responded with a status of (404|500)/.test(message))).toEqual([]);
    });

    it("draws the backtest's trade-off from target/backtest_results.json, with the chosen setting's figures per KPI, live and in a report", async () => {
      const result = await alertsBacktest({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars, vary: { k: ['1.5', '3'] } });
      const artifact = JSON.parse(readFileSync(join(dir, 'target', 'backtest_results.json'), 'utf8')) as BacktestArtifact;
      // The file holds what --format json prints, setting by setting.
      const printed = JSON.parse(formatBacktest(result, 'json')) as typeof result;
      expect(artifact).toMatchObject({ labels: printed.labels, detectWithinDays: printed.detectWithinDays, vary: { k: ['1.5', '3'] }, budget: null, proposals: null });
      expect(artifact.settings.map((setting) => [setting.label, setting.current, setting.overrides, setting.overall, setting.kpis])).toEqual(
        printed.runs.map((run, index) => [run.label, index === 0, run.overrides, run.overall, run.kpis]),
      );
      // The API answers with the file as it is.
      const answer = await server.get('/api/backtest');
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual(artifact);
      expect(artifact.settings.map((setting) => setting.label)).toEqual(['current', 'k=1.5', 'k=3']);
      // The demo's two incidents in range (2024-02-29, 2024-12-31), each in three windows.
      expect(artifact.settings[0].overall.incidents).toBe(6);

      const page = await newPage();
      await page.goto(`${server.url}backtest`);
      await rendered(page, '.backtest-page[data-setting="current"] #backtest-chart canvas');
      const chart = page.locator('#backtest-chart');
      const box = await chart.locator('canvas').first().boundingBox();
      expect(box?.width).toBeGreaterThan(600);
      expect(box?.height).toBeGreaterThan(300);
      // One point a setting, each drawn: the canvas holds the current setting's green at its point.
      const drawn = JSON.parse((await chart.getAttribute('data-points')) ?? '[]') as Array<{ label: string; x: number; y: number; worstX: number | null }>;
      expect(drawn.map((point) => point.label).sort()).toEqual(['current', 'k=1.5', 'k=3']);
      const current = drawn.find((point) => point.label === 'current');
      const pixel = await page.evaluate(({ x, y }) => Array.from((document.querySelector('#backtest-chart canvas') as HTMLCanvasElement).getContext('2d')?.getImageData(x, y, 1, 1).data ?? []), {
        x: current?.x ?? 0,
        y: current?.y ?? 0,
      });
      expect(pixel).toEqual([0x2e, 0x9e, 0x5b, 255]);
      // The more lenient k, the fewer false Reds: its point lies left of the stricter one's.
      const x = (label: string) => drawn.find((point) => point.label === label)?.x ?? Number.NaN;
      expect(artifact.settings[2].overall.falseRedsPerMonth ?? 0).toBeLessThan(artifact.settings[1].overall.falseRedsPerMonth ?? 0);
      expect(x('k=3')).toBeLessThan(x('k=1.5'));
      // One row a setting, the current one marked; the per-KPI table of the current setting.
      expect(await page.locator('table.settings tbody tr').count()).toBe(3);
      expect(await page.locator('table.settings tr[data-setting="current"] .pill').textContent()).toBe('current');
      for (const setting of artifact.settings) {
        const { overall } = setting;
        await expectRowFigures(
          page,
          `table.settings tr[data-setting="${setting.label}"]`,
          {
            incidents: overall.incidents,
            recall: overall.recall,
            precision: overall.precision,
            'days-to-detect': overall.meanDaysToDetect,
            'false-reds': overall.falseReds,
            'false-red-rate': overall.falseRedRate,
            'false-reds-month': overall.falseRedsPerMonth,
            'worst-false-reds-month': setting.worstSeries?.falseRedsPerMonth ?? null,
            'false-yellows-month': overall.falseYellowsPerMonth,
          },
          setting.label,
        );
      }
      const perKpi = async (index: number) => {
        const setting = artifact.settings[index];
        expect(await page.locator('table.per-kpi tbody tr').count()).toBe(setting.kpis.length);
        for (const kpi of setting.kpis) await expectRowFigures(page, `table.per-kpi tr[data-kpi="${kpi.kpiCode}"]`, kpiFigures(kpi), `${setting.label} ${kpi.kpiCode}`);
      };
      expect(artifact.settings[0].kpis).toHaveLength(27);
      await perKpi(0);
      await resize(page, { width: 1440, height: 1100 });
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(shots, 'backtest.png') });
      keepScreenshot(join(shots, 'backtest.png'), 'dashboard-backtest.png', kind);

      // A setting's row chooses it...
      await page.click('table.settings tr[data-setting="k=3"] a');
      await rendered(page, '.backtest-page[data-setting="k=3"] #backtest-chart canvas');
      expect(page.url()).toBe(`${server.url}backtest?setting=k%3D3`);
      await perKpi(2);
      // ...and so does its point on the chart.
      const point = drawn.find((entry) => entry.label === 'k=1.5');
      const canvasBox = await chart.locator('canvas').first().boundingBox();
      const ratio = await page.evaluate(() => window.devicePixelRatio);
      if (!canvasBox || !point) throw new Error('no chart');
      await page.mouse.click(canvasBox.x + point.x / ratio, canvasBox.y + point.y / ratio);
      await rendered(page, '.backtest-page[data-setting="k=1.5"] #backtest-chart canvas');
      await perKpi(1);
      expect(await page.locator('#setting-detail').textContent()).toMatch(/^k=1\.5Recall [\d.]+% \(\d+ of 6\)/);
      await page.close();

      // A report holds the backtest page too, from file://.
      const file = join(shots, 'report-backtest.html');
      await dashboard({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars, out: file });
      const offline = await newPage();
      const requests: string[] = [];
      offline.on('request', (request) => requests.push(request.url()));
      await offline.goto(pathToFileURL(file).href);
      await rendered(offline, '.board');
      await offline.click('#backtest-link');
      await rendered(offline, '.backtest-page[data-setting="current"] #backtest-chart canvas');
      const reportRows = await offline.locator('table.per-kpi tbody tr').count();
      expect(reportRows).toBe(27);
      for (const kpi of artifact.settings[0].kpis) await expectRowFigures(offline, `table.per-kpi tr[data-kpi="${kpi.kpiCode}"]`, kpiFigures(kpi), `report ${kpi.kpiCode}`);
      expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
      await offline.close();
    });

    it('redraws an open board when a new build lands, and asks for nothing more while none does', async () => {
      const page = await newPage();
      const asked: string[] = [];
      page.on('request', (request) => asked.push(new URL(request.url()).pathname));
      await page.goto(server.url);
      await rendered(page, '.board[data-window="7"]');
      await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
      const before = await boardCounts(page);
      asked.length = 0;
      await page.waitForTimeout(2500);
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.every((path) => path === '/api/version')).toBe(true);
      const [green] = await db.query<{ kpi_id: number }>(
        `select kpi_id from "${schema}".kpi_thresholds where entity_id = 0 and window_days = 7 and as_of_date = $1 and status = 'green' order by kpi_id limit 1`,
        [END],
      );
      await db.query(`update "${schema}".kpi_thresholds set status = 'red' where kpi_id = $1 and entity_id = 0 and window_days = 7 and as_of_date = $2`, [green.kpi_id, END]);
      try {
        await expect.poll(async () => Number(await page.locator('[data-count="red"]').textContent()), { timeout: 15_000 }).toBe(before.red + 1);
        expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
      } finally {
        await db.query(`update "${schema}".kpi_thresholds set status = 'green' where kpi_id = $1 and entity_id = 0 and window_days = 7 and as_of_date = $2`, [green.kpi_id, END]);
      }
      await page.close();
    });
  });
}
