import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, parse } from '../../src/api.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import { DashboardSource } from '../../src/dashboard/dashboard-source.js';
import { handleApi } from '../../src/dashboard/handle-api.js';
import type { BoardResponse, ChangesResponse, DashboardMeta, KpiSeriesResponse } from '../../src/dashboard/dashboard-types.js';
import { resolveMartTables } from '../../src/mart/queries/mart-tables.js';
import { readOnly } from '../../src/dashboard/read-only.js';
import { ManifestIndex } from '../../src/project/manifest-index.js';
import { startDashboard, type RunningDashboard } from '../helpers/dashboard.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { kpi, profileYaml } from '../helpers/cli.js';
import { REPO_ROOT, removeDir } from '../helpers/fixtures.js';
import { copyKpiProject } from '../helpers/kpi-project.js';

// 2025-05-21 has a Red KPI in the 7-day window (club shipments) and a Yellow in the 30-day
// one; from 2024-01-01 every period has its prior year (2024-05-21 is in the data).
const END = '2025-05-21';
const vars = { demo_start_date: '2024-01-01', demo_end_date: END, demo_entities: 1 };

interface Problem {
  error: string;
  hint?: string;
}

/**
 * Every line of the Prometheus text format (0.0.4), checked strictly and independently of
 * the parser: HELP and TYPE comments, then `name{label="value",...} number` samples with
 * valid names, escaped label values, and each family's samples after its TYPE.
 */
function strictExposition(text: string): Map<string, Array<{ labels: Record<string, string>; value: number }>> {
  expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, Array<{ labels: Record<string, string>; value: number }>>();
  const typed = new Set<string>();
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const label = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
  const sample = new RegExp(`^(${name})(?:\\{(${label}(?:,${label})*)\\})? ([-+]?(?:\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?|NaN|Inf))$`);
  for (const line of text.slice(0, -1).split('\n')) {
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment) {
      if (comment[1] === 'TYPE') {
        expect(['gauge', 'counter', 'untyped']).toContain(comment[3]);
        expect(typed.has(comment[2])).toBe(false);
        typed.add(comment[2]);
        families.set(comment[2], []);
      }
      continue;
    }
    const match = sample.exec(line);
    expect(match, `not a valid sample line: ${line}`).not.toBeNull();
    const [, metric, pairs, value] = match as RegExpExecArray;
    expect(typed.has(metric), `${metric} has no TYPE line before its samples`).toBe(true);
    const labels: Record<string, string> = {};
    for (const pair of (pairs ?? '').match(new RegExp(label, 'g')) ?? []) {
      const at = pair.indexOf('=');
      labels[pair.slice(0, at)] = pair.slice(at + 2, -1).replace(/\\(.)/g, (_all, character: string) => (character === 'n' ? '\n' : character));
    }
    families.get(metric)?.push({ labels, value: Number(value) });
  }
  return families;
}

for (const kind of databaseKinds()) {
  describe(`kpi dashboard's API on ${kind}`, () => {
    let db: TestDatabase;
    let dir: string;
    let target: TargetConfig;
    let schema: string;
    let server: RunningDashboard;
    const serving = (window: number) =>
      db.query<{ status: string; n: number }>(`select status, count(*)::int as n from "${schema}".kpi_serving where window_days = $1 and entity_id = 0 group by status`, [window]);
    const counts = async (window: number) => {
      const found = { red: 0, yellow: 0, green: 0, grey: 0, expected: 0 } as Record<string, number>;
      for (const row of await serving(window)) found[row.status] = row.n;
      return found;
    };

    beforeAll(async () => {
      db = await openTestDatabase(kind);
      dir = copyKpiProject();
      target = db.target();
      schema = target.schema;
      const summary = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars });
      expect(summary.results.filter((result) => result.status === 'error')).toEqual([]);
      server = await startDashboard({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars });
    });
    afterAll(async () => {
      await server?.stop();
      await db?.close();
      removeDir(dir);
    });

    it('answers the board with the counts, KPIs and figures the mart holds', async () => {
      const meta = (await server.get('/api/meta')).json as DashboardMeta;
      expect(meta).toMatchObject({ database: kind, latestDate: END, firstDate: '2024-01-01', windows: [7, 30, 60], currency: 'USD' });
      expect(meta.entities.map((entity) => entity.code)).toEqual(['ALL', 'NAPA']);
      const names = await db.query<{ kpi_name: string }>(`select kpi_name from "${schema}".dim_kpi order by sort_order`);
      expect(meta.kpis.map((kpi) => kpi.name)).toEqual(names.map((row) => row.kpi_name));

      const week = (await server.get('/api/board')).json as BoardResponse;
      expect(week).toMatchObject({ date: END, window: 7, entity: { code: 'ALL' } });
      expect(week.counts).toEqual(await counts(7));
      expect(week.sections.map((section) => [section.name, section.cards.length])).toEqual([
        ['Revenue', 14],
        ['Traffic', 7],
        ['Sales', 1],
        ['Club', 5],
      ]);
      const month = (await server.get('/api/board?window=30')).json as BoardResponse;
      expect(month.counts).toEqual(await counts(30));
      expect(month.counts).not.toEqual(week.counts);

      // A card's value, bounds and period figures are the mart's own rows.
      const card = week.sections[0].cards.find((item) => item.kpi.code === 'TR_WINE');
      const [row] = await db.query<{ value: string; lower: number; upper: number; status: string }>(
        `select value::text, lower_threshold as lower, upper_threshold as upper, status from "${schema}".kpi_serving where kpi_id = 1 and entity_id = 0 and window_days = 7`,
      );
      expect(card?.point).toMatchObject({ value: Number(row.value), lower: row.lower, upper: row.upper, status: row.status });
      const [figures] = await db.query<{ mtd_value: string; mtd_prior: string; ytd_delta_pct: string }>(
        `select mtd_value::text, mtd_prior::text, ytd_delta_pct::text from "${schema}".agg_kpi_dashboard where kpi_id = 1 and entity_id = 0 and as_of_date = $1`,
        [END],
      );
      expect(card?.periods?.mtd).toMatchObject({ value: Number(figures.mtd_value), prior: Number(figures.mtd_prior) });
      expect(card?.periods?.ytd.deltaPct).toBe(Number(figures.ytd_delta_pct));
      expect(week.sparkDates).toHaveLength(90);
      expect(card?.spark.values).toHaveLength(90);
      // The sparkline's statuses, one letter a day, are the thresholds' of those 90 days.
      const days = await db.query<{ status: string }>(
        `select status from "${schema}".kpi_thresholds where kpi_id = 1 and entity_id = 0 and window_days = 7 and as_of_date between $1 and $2 order by as_of_date`,
        [week.sparkDates[0], END],
      );
      expect(card?.spark.statuses).toBe(days.map((day) => ({ red: 'r', yellow: 'y', green: 'g', grey: 's', expected: 'e' })[day.status]).join(''));
      // Its figures are the thresholds' of each day, rounded to 5 (value) and 4 (bounds) significant digits.
      const figuresOf = async (from: string, to: string) =>
        db.query<{ day: string; value: string | null; lower: number | null; upper: number | null }>(
          `select as_of_date::text as day, value::text, lower_threshold as lower, upper_threshold as upper from "${schema}".kpi_thresholds
           where kpi_id = 1 and entity_id = 0 and window_days = 7 and as_of_date between $1 and $2`,
          [from, to],
        );
      const round = (value: number | string | null, digits: number) => (value === null ? null : Number(Number(value).toPrecision(digits)));
      const expectSpark = async (board: BoardResponse) => {
        const rows = new Map((await figuresOf(board.sparkDates[0], board.date)).map((row) => [row.day, row]));
        const spark = board.sections.flatMap((section) => section.cards).find((found) => found.kpi.id === 1)?.spark;
        expect(spark?.values).toEqual(board.sparkDates.map((day) => round(rows.get(day)?.value ?? null, 5)));
        expect(spark?.lower).toEqual(board.sparkDates.map((day) => round(rows.get(day)?.lower ?? null, 4)));
        expect(spark?.upper).toEqual(board.sparkDates.map((day) => round(rows.get(day)?.upper ?? null, 4)));
        return spark;
      };
      await expectSpark(week);
      // Ten days into the history, the 80 days before it have no rows: '-' and nulls.
      const early = (await server.get('/api/board?date=2024-01-10')).json as BoardResponse;
      const earlySpark = await expectSpark(early);
      expect(earlySpark?.statuses.slice(0, 80)).toBe('-'.repeat(80));
      expect(earlySpark?.statuses.slice(80)).not.toContain('-');
    });

    it('says why in words, not signal codes', async () => {
      const week = (await server.get('/api/board')).json as BoardResponse;
      const alerting = week.sections.flatMap((section) => section.cards).filter((item) => item.point.status === 'red' || item.point.status === 'yellow');
      expect(alerting.length).toBeGreaterThan(0);
      for (const item of alerting) {
        expect(item.point.reason).toMatch(/^(Below|Above|Unusual|Down|Up|Back within|Past its)/);
        expect(item.point.reason).not.toMatch(/\b[LUZP](,[LUZP])*\b|counted signals/);
      }
    });

    it('gives a KPI series with every window, its events, changes and the other entities', async () => {
      const series = (await server.get(`/api/kpi/tr_wine?date=${END}&days=400`)).json as KpiSeriesResponse;
      expect(series.kpi.code).toBe('TR_WINE');
      expect(series.dates).toHaveLength(400);
      expect(series.dates[series.dates.length - 1]).toBe(END);
      expect(Object.keys(series.windows)).toEqual(['7', '30', '60']);
      const statuses = await db.query<{ as_of_date: string; status: string; lower: number | null }>(
        `select as_of_date::text, status, lower_threshold as lower from "${schema}".kpi_thresholds where kpi_id = 1 and entity_id = 0 and window_days = 30 and as_of_date between $1 and $2 order by 1`,
        [series.from, END],
      );
      expect(statuses.length).toBe(400);
      expect(series.windows['30'].status).toEqual(statuses.map((row) => row.status));
      expect(series.windows['30'].lower).toEqual(statuses.map((row) => row.lower));
      // Christmas 2024 is in kpi_events (closed), so it is shaded on every KPI's chart.
      expect(series.events.map((event) => event.date)).toContain('2024-12-25');
      // Changes are exactly the days whose status differs from the day before.
      const expected = statuses.filter((row, index) => index > 0 && row.status !== statuses[index - 1].status).map((row) => row.as_of_date);
      expect(
        series.changes
          .filter((change) => change.window === 30)
          .map((change) => change.date)
          .reverse(),
      ).toEqual(expected);
      expect(series.entities.map((row) => row.entity.code)).toEqual(['ALL', 'NAPA']);

      const changes = (await server.get(`/api/changes?window=7&days=30`)).json as ChangesResponse;
      const [count] = await db.query<{ n: number }>(
        `select count(*)::int as n from (
           select status, lag(status) over (partition by kpi_id order by as_of_date) as before, as_of_date
           from "${schema}".kpi_thresholds where entity_id = 0 and window_days = 7 and as_of_date between date '${END}' - 30 and date '${END}'
         ) d where as_of_date > date '${END}' - 30 and before <> status`,
      );
      expect(changes.changes).toHaveLength(count.n);
    });

    it('refuses bad dates, windows, entities, KPIs, parameters and injection attempts with a 400 that says what is valid', async () => {
      const cases: Array<[string, RegExp]> = [
        ['/api/board?date=2025-13-01', /date must be a day written YYYY-MM-DD/],
        ['/api/board?date=2025-02-30', /date must be a day written YYYY-MM-DD/],
        ['/api/board?date=yesterday', /date must be a day written YYYY-MM-DD/],
        ['/api/board?date=1999-01-01', /no KPI statuses on 1999-01-01/],
        ["/api/board?date=2025-06-06'%20or%20'1'%3D'1", /date must be a day/],
        ['/api/board?window=14', /window must be one of 7, 30, 60/],
        ['/api/board?window=7%20or%201%3D1', /window must be one of 7, 30, 60/],
        ['/api/board?entity=SONOMA', /unknown entity 'SONOMA'/],
        [`/api/board?entity=ALL'%3B%20drop%20table%20${schema}.kpi_serving%3B--`, /unknown entity/],
        ['/api/kpi/TR_WIN', /unknown KPI 'TR_WIN'\. Did you mean 'TR_WINE'\?/],
        ["/api/kpi/1'%20or%20'1'%3D'1", /unknown KPI/],
        ['/api/board?sql=select%201', /unknown parameter 'sql'/],
        ['/api/board?windw=30', /unknown parameter 'windw'\. Did you mean 'window'\?/],
        ['/api/board?window=7&window=30', /given more than once/],
        ['/api/kpi/TR_WINE?days=5', /days must be a whole number from 14 to 3660/],
        ['/api/changes?days=0', /days must be a whole number from 1 to 366/],
        ['/metrics?x=1', /unknown parameter 'x'/],
      ];
      for (const [path, message] of cases) {
        const answer = await server.get(path);
        expect(answer.status, path).toBe(400);
        expect((answer.json as Problem).error, path).toMatch(message);
      }
      const entity = (await server.get('/api/board?entity=SONOMA')).json as Problem;
      expect(entity.hint).toBe('entities with KPI statuses: ALL (All locations), NAPA (Napa Estate)');
      expect(((await server.get('/api/board?date=1999-01-01')).json as Problem).hint).toBe(`as-of dates run from 2024-01-01 to ${END}`);
      // Nothing was dropped.
      expect((await db.query<{ n: number }>(`select count(*)::int as n from "${schema}".kpi_serving`))[0].n).toBe(27 * 2 * 3);
      // Entities by code in any case or by id; unknown paths and other methods.
      expect(((await server.get('/api/board?entity=napa')).json as BoardResponse).entity.code).toBe('NAPA');
      expect(((await server.get('/api/board?entity=1')).json as BoardResponse).entity.code).toBe('NAPA');
      expect((await server.get('/api/nothing')).status).toBe(404);
      const post = await server.get('/api/board', { method: 'POST', body: 'select 1' });
      expect(post.status).toBe(405);
      expect((post.json as Problem).error).toMatch(/only reads/);
      // A page elsewhere cannot reach the API by pointing its own host name at 127.0.0.1.
      const rebound = await new Promise<number>((resolve, reject) => {
        get(new URL('/api/health', server.url), { headers: { host: 'attacker.example' } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).on('error', reject);
      });
      expect(rebound).toBe(403);
      expect((await server.get('/api/health')).status).toBe(200);
    });

    it('answers 503 saying to build when the mart is not there, or only partly', async () => {
      const sourceIn = async (other: string) => {
        const parsed = await parse({ projectDir: dir, targetConfig: { ...target, schema: other }, vars });
        return new DashboardSource(db.adapter, resolveMartTables(new ManifestIndex(parsed.manifest), other), 'USD');
      };
      const hint = 'build it first (kpi build), on the target the dashboard reads';
      const none = await handleApi(await sourceIn(`${schema}_none`), '/api/board', new URLSearchParams());
      expect(none.status).toBe(503);
      expect(JSON.parse(none.text)).toEqual({ error: expect.stringMatching(new RegExp(`^the KPI mart is not built here: relation "${schema}_none\\.kpi_thresholds" does not exist`)), hint });
      await db.query(`create schema "${schema}_half"`);
      await db.query(`create table "${schema}_half".kpi_thresholds (as_of_date date)`);
      await db.query(`create table "${schema}_half".agg_kpi_dashboard (as_of_date date, updated_at timestamptz)`);
      const half = await handleApi(await sourceIn(`${schema}_half`), '/api/board', new URLSearchParams());
      expect(half.status).toBe(503);
      const missing = ['kpi_serving', 'dim_kpi', 'dim_entity', 'kpi_events'].map((name) => `"${schema}_half"."${name}"`).join(', ');
      expect(JSON.parse(half.text)).toEqual({ error: `the KPI mart is not built here: ${missing} do not exist`, hint });
    });

    it('runs every request in a read-only transaction', async () => {
      const parsed = await parse({ projectDir: dir, targetConfig: target, vars });
      const source = new DashboardSource(db.adapter, resolveMartTables(new ManifestIndex(parsed.manifest), schema), 'USD');
      const state = await source.read(async (connection) => (await connection.query<{ transaction_read_only: string }>('show transaction_read_only')).rows[0]);
      expect(state.transaction_read_only).toBe('on');
      const write = source.read((connection) => connection.query(`delete from "${schema}".kpi_serving`));
      await expect(write).rejects.toThrow(/read-only transaction/);
      await expect(readOnly(db.adapter, (connection) => connection.query(`create table "${schema}".sneaky (x int)`))).rejects.toThrow(/read-only transaction/);
      expect((await db.query<{ n: number }>(`select count(*)::int as n from "${schema}".kpi_serving`))[0].n).toBe(27 * 2 * 3);
      // The connection is left outside any transaction for whoever uses it next.
      await db.query(`create temporary table after_read_only (x int)`);
    });

    it('serves /metrics in the Prometheus text format, naming every KPI, entity and window', async () => {
      const answer = await server.get('/metrics');
      expect(answer.status).toBe(200);
      expect(answer.type).toMatch(/^text\/plain; version=0\.0\.4/);
      const families = strictExposition(answer.text);
      const parsed = parsePrometheusTextFormat(answer.text);
      expect(parsed.map((family) => family.name).sort()).toEqual([...families.keys()].sort());
      const status = parsed.find((family) => family.name === 'kpi_status');
      expect(status?.type).toBe('GAUGE');
      const codes = await db.query<{ kpi_code: string }>(`select kpi_code from "${schema}".dim_kpi`);
      const seen = new Set(status?.metrics.map((metric) => `${metric.labels?.kpi}|${metric.labels?.entity}|${metric.labels?.window}`));
      for (const { kpi_code: code } of codes)
        for (const entity of ['ALL', 'NAPA']) for (const window of ['7', '30', '60']) expect(seen.has(`${code}|${entity}|${window}`), `${code} ${entity} ${window}`).toBe(true);
      expect(seen.size).toBe(27 * 2 * 3);
      // Each status code is the serving table's: 2 red, 1 yellow, 0 green, -1 grey, -2 expected.
      const rows = await db.query<{ kpi_code: string; entity: string; window_days: number; status: string }>(`select kpi_code, entity, window_days, status from "${schema}".kpi_serving`);
      const code: Record<string, number> = { red: 2, yellow: 1, green: 0, grey: -1, expected: -2 };
      const byKey = new Map(status?.metrics.map((metric) => [`${metric.labels?.kpi}|${metric.labels?.entity}|${metric.labels?.window}`, Number(metric.value)]));
      for (const row of rows) expect(byKey.get(`${row.kpi_code}|${row.entity}|${row.window_days}`)).toBe(code[row.status]);
      const weekCounts = families.get('kpi_status_count')?.filter((sample) => sample.labels.entity === 'ALL' && sample.labels.window === '7');
      expect(Object.fromEntries(weekCounts?.map((sample) => [sample.labels.status, sample.value]) ?? [])).toEqual(await counts(7));
      const built = families.get('kpi_last_build_timestamp_seconds')?.[0]?.value ?? 0;
      expect(Math.abs(built * 1000 - Date.now())).toBeLessThan(30 * 60 * 1000);
      expect(families.get('kpi_as_of_date_timestamp_seconds')?.[0]?.value).toBe(Date.parse(`${END}T00:00:00Z`) / 1000);
    });

    it('runs from the command line: --out writes the report, the server stops on Ctrl+C, usage errors exit 2', async () => {
      const usage = await kpi(['dashboard', '--port', 'abc'], { cwd: dir });
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/--port must be a whole number from 0 to 65535, got 'abc'/);
      // The CLI reaches the server's database; the embedded one of this test lives in memory.
      if (kind === 'pglite') return;
      writeFileSync(join(dir, 'profiles.yml'), profileYaml('kpi', kind, schema));
      const file = join(dir, 'cli-report.html');
      const report = await kpi(['dashboard', '--out', file, '--window', '30'], { cwd: dir });
      expect(report.stderr).toBe('');
      expect(report.stdout).toMatch(new RegExp(`^Report written to ${file} \\(27 KPIs, ALL, as of ${END}, \\d+ kB\\)\n$`));
      expect(readFileSync(file, 'utf8')).toMatch(/^<!doctype html>/);
      const wrong = await kpi(['dashboard', '--out', file, '--window', '14'], { cwd: dir });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/window must be one of 7, 30, 60 \(days\), got '14'/);

      const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/kpi.js'), 'dashboard', '--port', '0'], { cwd: dir });
      let output = '';
      const address = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const found = /KPI dashboard at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
          if (found) resolve(found[1]);
        });
        child.on('close', () => reject(new Error(`the dashboard exited: ${output}`)));
      });
      const health = (await (await fetch(new URL('/api/health', address))).json()) as { status: string; database: string };
      expect(health).toMatchObject({ status: 'ok', database: 'postgres' });
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.kill('SIGINT');
      expect(await closed).toBe(0);
    });

    it('changes its data version, and its answers, when the mart changes, and not otherwise', async () => {
      const health = (await server.get('/api/health')).json as { status: string; dataVersion: string; latestDate: string };
      expect(health).toMatchObject({ status: 'ok', latestDate: END });
      const again = (await server.get('/api/version')).json as { dataVersion: string };
      expect(again.dataVersion).toBe(health.dataVersion);
      const before = ((await server.get('/api/board')).json as BoardResponse).counts;
      // A build lands: here, the newest day's TR_WINE turns red in the 7-day window.
      const [{ status }] = await db.query<{ status: string }>(`select status from "${schema}".kpi_thresholds where kpi_id = 1 and entity_id = 0 and window_days = 7 and as_of_date = $1`, [END]);
      await db.query(`update "${schema}".kpi_thresholds set status = 'red' where kpi_id = 1 and entity_id = 0 and as_of_date = $1 and window_days = 7`, [END]);
      try {
        const changed = (await server.get('/api/version')).json as { dataVersion: string };
        expect(changed.dataVersion).not.toBe(health.dataVersion);
        const after = ((await server.get('/api/board')).json as BoardResponse).counts;
        expect(after.red).toBe(before.red + (status === 'red' ? 0 : 1));
      } finally {
        await db.query(`update "${schema}".kpi_thresholds set status = $2 where kpi_id = 1 and entity_id = 0 and as_of_date = $1 and window_days = 7`, [END, status]);
      }
    });
  });
}
