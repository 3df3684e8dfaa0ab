import { copyFileSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { build, dashboard } from '../../src/api.js';
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
      await page.setViewportSize({ width: 1440, height: 1250 });
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
