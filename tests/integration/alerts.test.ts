import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, type AlertsOptions } from '../../src/api.js';
import { formatBoard } from '../../src/cli/format-board.js';
import { KpiError } from '../../src/errors.js';
import { alertTablesSql, webhookServer } from '../helpers/alert-tables.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

/** [kpi_id, entity_id, status] of each board row, in board order. */
function shape(rows: Array<{ kpi_id: unknown; entity_id: unknown; status: string }>): Array<[unknown, unknown, string]> {
  return rows.map((row) => [row.kpi_id, row.entity_id, row.status]);
}

async function rejection(promise: Promise<unknown>): Promise<KpiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(KpiError);
  return error as KpiError;
}

for (const kind of databaseKinds()) {
  describe(`kpi alerts on ${kind}`, () => {
    let db: TestDatabase;
    let dir: string;
    let options: AlertsOptions;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
      const target = db.target();
      await db.adapter.withConnection((connection) => connection.execute(alertTablesSql(target.schema)));
      dir = makeProject({ 'kpi_project.yml': 'name: alerting\n' });
      options = { projectDir: dir, targetConfig: target, adapter: db.adapter };
    });
    afterAll(async () => {
      removeDir(dir);
      await db.close();
    });

    it("reads the latest board, worst first and then in dim_kpi's sort order, and prints it in each format", async () => {
      const board = await alerts(options);
      expect(board).toMatchObject({ date: '2025-03-31', window: 7, source: `${options.targetConfig?.schema}.kpi_serving`, failOn: null, failed: false, webhook: null });
      expect(shape(board.rows)).toEqual([
        [3, 0, 'red'],
        [1, 0, 'red'],
        [2, 0, 'yellow'],
        [7, 1, 'yellow'],
        [7, 0, 'grey'],
        [1, 1, 'green'],
        [2, 1, 'green'],
      ]);
      // numeric values arrive as numbers, missing statistics as null.
      expect(board.rows[1]).toMatchObject({
        metric_key: 'tr_wine',
        section: 'Revenue',
        value: 812.5,
        lower_threshold: 900,
        upper_threshold: 1100,
        signals: 'L,Z',
        window_days: 7,
        as_of_date: '2025-03-31',
      });
      expect(board.rows[4]).toMatchObject({ metric_key: 'leads', value: 12, rolling_mean: null, lower_threshold: null, reason: 'only 3 days of history (needs 7)' });

      expect(board.counts).toEqual({ red: 2, yellow: 2, green: 2, grey: 1, expected: 0 });
      const table = formatBoard(board, 'table').split('\n');
      expect(table[0]).toBe(`KPI board 2025-03-31, 7-day window: 7 KPIs, 2 red · 2 yellow · 2 green · 1 grey (${options.targetConfig?.schema}.kpi_serving)`);
      expect(table[1].split('|').map((cell) => cell.trim())).toEqual(['', 'status', 'kpi', 'entity', 'value', 'expected', 'vs last year', 'month to date', 'MTD vs last year', 'why', '']);
      const cells = (line: string) =>
        line
          .split('|')
          .map((cell) => cell.trim())
          .slice(1, -1);
      // Names for codes, dim_kpi's formats (currency in USD, whole units from 1,000), plain words for signals.
      expect(cells(table[3])).toEqual([
        'red',
        'Total revenue',
        'All locations',
        '$1,500',
        '$2,100 – $2,700',
        '',
        '',
        '',
        'Below the expected range ($1,500; expected at least $2,100) and down 40% on the reference day.',
      ]);
      expect(cells(table[4])).toEqual([
        'red',
        'Tasting room wine',
        'All locations',
        '$812.50',
        '$900.00 – $1,100',
        '−19%',
        '$25,000',
        '+25%',
        'Below the expected range ($812.50; expected at least $900.00) and unusual for the season (3.1 standard deviations below normal).',
      ]);
      expect(cells(table[7])).toEqual(['grey', 'Leads', 'All locations', '12', '', '', '', '', 'Not enough history to judge yet.']);
      expect(table).toHaveLength(7 + 4);

      const json = JSON.parse(formatBoard(board, 'json'));
      expect(json).toMatchObject({ as_of_date: '2025-03-31', window_days: 7 });
      expect(json.rows).toEqual(board.rows);

      const csv = parseCsv(formatBoard(board, 'csv'), { columns: true }) as Array<Record<string, string>>;
      expect(csv).toHaveLength(7);
      expect(Object.keys(csv[0])).toEqual([
        'as_of_date',
        'window_days',
        'status',
        'kpi_id',
        'kpi_code',
        'kpi_name',
        'metric_key',
        'section',
        'subcategory',
        'entity_id',
        'entity_code',
        'entity_name',
        'value',
        'value_text',
        'rolling_mean',
        'rolling_std',
        'lower_threshold',
        'upper_threshold',
        'expected_text',
        'seasonal_zscore',
        'pct_change',
        'pct_change_vs',
        'signals',
        'counted_signals',
        'reason',
        'description',
        'day_prior',
        'day_change_pct',
        'mtd_value',
        'mtd_text',
        'mtd_prior',
        'mtd_change_pct',
        'link',
      ]);
      expect(csv[0]).toMatchObject({ status: 'red', kpi_id: '3', signals: 'L,P', link: 'https://bi.example/kpi/3?entity=0' });
      expect(csv[4]).toMatchObject({ status: 'grey', value: '12', rolling_mean: '' });

      const markdown = formatBoard(board, 'markdown').split('\n');
      expect(markdown[0]).toBe(`### KPI board 2025-03-31, 7-day window: 7 KPIs, 2 red · 2 yellow · 2 green · 1 grey (${options.targetConfig?.schema}.kpi_serving)`);
      expect(markdown[2]).toBe('| status | kpi | entity | value | expected | vs last year | month to date | MTD vs last year | why |');
      expect(markdown[4]).toBe(
        '| 🔴 red | Total revenue | All locations | $1,500 | $2,100 – $2,700 |  |  |  | Below the expected range ($1,500; expected at least $2,100) and down 40% on the reference day. |',
      );
      expect(markdown[6]).toBe('| 🟡 yellow | Tasting fees | All locations | $40.00 | $26.00 – $34.00 |  |  |  | Above the expected range ($40.00; expected at most $34.00). |');
    });

    it('filters by status, entity and window, and reads an earlier date from the history', async () => {
      expect(shape((await alerts({ ...options, statuses: ['red,yellow'] })).rows)).toEqual([
        [3, 0, 'red'],
        [1, 0, 'red'],
        [2, 0, 'yellow'],
        [7, 1, 'yellow'],
      ]);
      expect(shape((await alerts({ ...options, entities: ['1'] })).rows)).toEqual([
        [7, 1, 'yellow'],
        [1, 1, 'green'],
        [2, 1, 'green'],
      ]);
      // An entity by code, by name or by id, in any case.
      for (const entity of ['napa', 'Napa', '1']) expect(shape((await alerts({ ...options, entities: [entity] })).rows).map((item) => item[1])).toEqual([1, 1, 1]);
      expect((await alerts({ ...options, entities: ['ALL'] })).rows).toHaveLength(4);
      const unknown = await rejection(alerts({ ...options, entities: ['Sonoma'] }));
      expect(unknown).toMatchObject({ code: 'KPI_USAGE', message: "--entity 'Sonoma' is not an entity of the KPI mart.", hint: 'entities with a status: ALL (All locations), NAPA (Napa)' });
      expect(unknown.exitCode).toBe(2);
      // Links: the serving table's own when absolute, else the dashboard's page at --dashboard-url.
      const linked = await alerts({ ...options, dashboardUrl: 'https://kpi.example/board/' });
      expect(linked.rows.map((item) => item.link)).toEqual([
        'https://bi.example/kpi/3?entity=0',
        'https://kpi.example/board/kpi/TR_WINE?entity=ALL&window=7&date=2025-03-31',
        'https://kpi.example/board/kpi/TR_FEES?entity=ALL&window=7&date=2025-03-31',
        'https://kpi.example/board/kpi/LEADS?entity=NAPA&window=7&date=2025-03-31',
        'https://kpi.example/board/kpi/LEADS?entity=ALL&window=7&date=2025-03-31',
        'https://kpi.example/board/kpi/TR_WINE?entity=NAPA&window=7&date=2025-03-31',
        'https://kpi.example/board/kpi/TR_FEES?entity=NAPA&window=7&date=2025-03-31',
      ]);

      const thirty = await alerts({ ...options, window: 30, statuses: ['Yellow', 'green'], entities: ['0'] });
      expect(shape(thirty.rows)).toEqual([
        [1, 0, 'yellow'],
        [3, 0, 'green'],
      ]);
      // The latest date named explicitly still reads the serving table.
      expect((await alerts({ ...options, date: '2025-03-31' })).source).toBe(`${options.targetConfig?.schema}.kpi_serving`);

      const earlier = await alerts({ ...options, date: '2025-03-30' });
      expect(earlier.source).toBe(`${options.targetConfig?.schema}.kpi_status_history`);
      expect(shape(earlier.rows)).toEqual([
        [3, 0, 'red'],
        [1, 1, 'red'],
        [1, 0, 'yellow'],
        [2, 0, 'green'],
        [2, 1, 'green'],
      ]);
      // KPI descriptions come from the serving table; the thresholds of a past day are not kept.
      expect(earlier.rows[0]).toMatchObject({ metric_key: 'tr_total', section: 'Revenue', link: 'https://bi.example/kpi/3?entity=0', lower_threshold: null, as_of_date: '2025-03-30' });

      const noDate = await rejection(alerts({ ...options, date: '2024-01-01' }));
      expect(noDate).toMatchObject({ code: 'KPI_NOT_FOUND', hint: 'as-of dates there run from 2025-03-29 to 2025-03-31' });
      expect(noDate.message).toBe(`no KPI statuses for 2024-01-01, 7-day window, in ${options.targetConfig?.schema}.kpi_status_history`);
      const noWindow = await rejection(alerts({ ...options, window: 14 }));
      expect(noWindow).toMatchObject({ code: 'KPI_NOT_FOUND', hint: 'windows there on 2025-03-31: 7, 30' });
      const noTable = await rejection(alerts({ ...options, servingTable: 'kpi_servng' }));
      expect(noTable).toMatchObject({ code: 'KPI_NOT_FOUND', message: `the serving table ${options.targetConfig?.schema}.kpi_servng does not exist` });
      expect(noTable.hint).toMatch(/--serving-table/);
    });

    it('fails a scheduler only when a shown KPI is at --fail-on or worse', async () => {
      expect((await alerts({ ...options, failOn: 'red' })).failed).toBe(true);
      expect((await alerts({ ...options, failOn: 'red', statuses: ['yellow', 'grey', 'green'] })).failed).toBe(false);
      expect((await alerts({ ...options, failOn: 'yellow', entities: ['1'] })).failed).toBe(true);
      expect((await alerts({ ...options, failOn: 'red', entities: ['1'] })).failed).toBe(false);
      // Grey (too little history) is never a failure.
      expect((await alerts({ ...options, failOn: 'yellow', statuses: ['grey', 'green'] })).failed).toBe(false);
    });

    it('posts only the status changes since the previous as-of date, and nothing when nothing changed', async () => {
      const endpoint = await webhookServer([200]);
      try {
        const result = await alerts({ ...options, webhook: endpoint.url });
        expect(endpoint.received).toHaveLength(1);
        expect(endpoint.received[0]).toMatchObject({ path: '/services/T0001/B0002/s3cr3tT0ken', contentType: 'application/json' });
        const message = JSON.parse(endpoint.received[0].body);
        expect(message.blocks.map((block: { type: string }) => block.type)).toEqual(['header', 'section', 'section', 'section', 'context']);
        expect(message.blocks[0].text.text).toBe('KPI status changes · 2025-03-31 · 7-day window');
        // Board order; the unchanged Red (tr_total), the new grey KPI and LEADS/1 (yellow before its gap) are left out.
        expect(message.blocks.slice(1, 4).map((block: { text: { text: string } }) => block.text.text.split('\n')[0])).toEqual([
          ':red_circle: *Tasting room wine* · All locations: yellow → *red*',
          ':large_yellow_circle: *Tasting fees* · All locations: green → *yellow*',
          ':large_green_circle: *Tasting room wine* · Napa: red → *green*',
        ]);
        expect(message.blocks[1].text.text).toBe(
          ':red_circle: *Tasting room wine* · All locations: yellow → *red*\n' +
            '$812.50 (−19% on last year) · expected $900.00 – $1,100 · month to date +25% on last year\n' +
            '_Below the expected range ($812.50; expected at least $900.00) and unusual for the season (3.1 standard deviations below normal)._\n' +
            '<http://127.0.0.1:8180/kpi/TR_WINE?entity=ALL&window=7&date=2025-03-31|open in the dashboard>',
        );
        expect(message.blocks[4].elements[0].text).toBe(`3 status changes since the previous as-of date · board: 2 red · 2 yellow · 2 green · 1 grey · ${options.targetConfig?.schema}.kpi_serving`);
        expect(message.text).toBe(
          'KPI status changes · 2025-03-31 · 7-day window: Tasting room wine (All locations) yellow → red; Tasting fees (All locations) green → yellow; Tasting room wine (Napa) red → green',
        );
        expect(result.webhook).toMatchObject({ endpoint: `${new URL(endpoint.url).origin}/services/***`, dryRun: false, delivery: { attempts: 1, status: 200 }, error: null });
        expect(result.webhook?.changes.map((change) => change.previous?.as_of_date)).toEqual(['2025-03-30', '2025-03-30', '2025-03-30']);

        // 2025-03-30 for entity 1: red stayed red and green stayed green.
        const quiet = await alerts({ ...options, webhook: endpoint.url, date: '2025-03-30', entities: ['1'] });
        expect(quiet.webhook).toMatchObject({ changes: [], payload: null, delivery: null, error: null });
        expect(endpoint.received).toHaveLength(1);

        // A dry run builds the message and posts nothing.
        const dry = await alerts({ ...options, webhook: endpoint.url, dryRun: true, date: '2025-03-30' });
        expect(dry.webhook?.payload?.text).toBe('KPI status changes · 2025-03-30 · 7-day window: Total revenue (All locations) yellow → red');
        expect(endpoint.received).toHaveLength(1);
      } finally {
        await endpoint.close();
      }
    });

    it('retries a 5xx, and reports an endpoint that keeps failing or never answers without its secret', async () => {
      const flaky = await webhookServer([500, 200]);
      try {
        const result = await alerts({ ...options, webhook: flaky.url, webhookOptions: { backoffMs: 20 } });
        expect(result.webhook).toMatchObject({ delivery: { attempts: 2, status: 200 }, error: null });
        expect(flaky.received).toHaveLength(2);
        expect(flaky.received[1].body).toBe(flaky.received[0].body);
      } finally {
        await flaky.close();
      }

      const broken = await webhookServer([503]);
      try {
        const result = await alerts({ ...options, webhook: broken.url, webhookOptions: { backoffMs: 20 } });
        expect(broken.received).toHaveLength(3);
        const error = result.webhook?.error;
        expect(error).toBeInstanceOf(KpiError);
        expect(error?.code).toBe('KPI_WEBHOOK_FAILED');
        expect(error?.exitCode).toBe(1);
        expect(error?.message).toBe(`posting to ${new URL(broken.url).origin}/services/*** failed after 3 attempts: HTTP 503 Service Unavailable: no_service`);
        expect(error?.message).not.toMatch(/s3cr3t/);
        // The board is still there for the caller to print.
        expect(result.rows).toHaveLength(7);
      } finally {
        await broken.close();
      }

      const refusing = await webhookServer([404]);
      try {
        const result = await alerts({ ...options, webhook: refusing.url, webhookOptions: { backoffMs: 20 } });
        expect(refusing.received).toHaveLength(1);
        expect(result.webhook?.error?.message).toMatch(/failed: HTTP 404 Not Found: no_service$/);
        expect(result.webhook?.error?.hint).toMatch(/not retried/);
      } finally {
        await refusing.close();
      }

      const hanging = await webhookServer(['hang']);
      try {
        const started = Date.now();
        const result = await alerts({ ...options, webhook: hanging.url, webhookOptions: { timeoutMs: 300, backoffMs: 20 } });
        expect(Date.now() - started).toBeLessThan(5000);
        expect(hanging.received).toHaveLength(1);
        expect(result.webhook?.error).toMatchObject({ code: 'KPI_WEBHOOK_FAILED', message: `posting to ${new URL(hanging.url).origin}/services/*** failed: no answer within 0.3 s` });
      } finally {
        await hanging.close();
      }

      const gone = await webhookServer([200]);
      await gone.close();
      const unreachable = await alerts({ ...options, webhook: gone.url, webhookOptions: { backoffMs: 20 } });
      expect(unreachable.webhook?.error?.message).toMatch(/failed after 3 attempts: .*ECONNREFUSED/);
      expect(unreachable.webhook?.error?.message).not.toMatch(/s3cr3t/);
    });

    it('reads the serving table a model of that name builds, and rejects bad requests before reading anything', async () => {
      const target = db.target();
      await db.adapter.withConnection((connection) => connection.execute(alertTablesSql(target.schema, 'serving_snapshot')));
      const project = makeProject({
        'kpi_project.yml': 'name: aliased\n',
        'models/kpi_serving.sql': "{{ config(materialized='table', alias='serving_snapshot') }}\nselect 1 as placeholder",
      });
      try {
        const result = await alerts({ projectDir: project, targetConfig: target, adapter: db.adapter });
        expect(result.source).toBe(`${target.schema}.serving_snapshot`);
        expect(result.rows).toHaveLength(7);
        const explicit = await alerts({ ...options, servingTable: `${target.schema}.serving_snapshot`, statuses: ['red'] });
        expect(explicit.source).toBe(`${target.schema}.serving_snapshot`);
      } finally {
        removeDir(project);
      }

      const usage = async (request: Partial<AlertsOptions>) => rejection(alerts({ ...options, ...request }));
      expect(await usage({ statuses: ['red', 'yelow'] })).toMatchObject({ code: 'KPI_USAGE', message: "--status 'yelow' is not a status. Did you mean 'yellow'?" });
      expect(await usage({ failOn: 'green' })).toMatchObject({ code: 'KPI_USAGE', message: "--fail-on takes red or yellow, got 'green'" });
      expect(await usage({ window: 0 })).toMatchObject({ code: 'KPI_USAGE', message: '--window must be a whole number of days above 0, got 0' });
      expect(await usage({ date: '2025-02-30' })).toMatchObject({ code: 'KPI_USAGE', message: "--date must be a day written YYYY-MM-DD, got '2025-02-30'" });
      const badUrl = await usage({ webhook: 'hooks.slack.com/services/T1/B2/secret' });
      expect(badUrl).toMatchObject({ code: 'KPI_USAGE', message: '--webhook must be an http:// or https:// URL' });
      expect(badUrl.exitCode).toBe(2);
    });
  });
}
