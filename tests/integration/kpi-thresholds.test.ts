import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, alertsBacktest, build, run } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { kpi } from '../helpers/cli.js';
import { removeDir } from '../helpers/fixtures.js';
import { copyKpiProject } from '../helpers/kpi-project.js';

// A stretch of the demo that holds three of its injected anomalies (2023-11-24,
// 2024-02-29, 2024-12-31) with enough history before them, and the day 364 days before the
// first (Black Friday 2022, which a same_weekday_last_year KPI compares it with).
const vars = { demo_start_date: '2022-11-01', demo_end_date: '2025-01-20', demo_entities: 1 };

/**
 * Rolling statistics, bounds, seasonal z-score and percent change recomputed from the facts
 * for sampled rows, independently of the model: plain aggregates over explicit date ranges.
 */
function independentStats(schema: string): string {
  return `
with samples as (
  select t.as_of_date, t.kpi_id, t.entity_id, t.window_days
  from "${schema}".kpi_thresholds t
  where t.as_of_date in ('2023-11-24', '2024-02-29', '2024-06-17', '2024-12-31', '2025-01-20') and t.kpi_id in (1, 14, 18, 20, 23, 27)
),
learnable as (
  select f.* from "${schema}".fact_kpi_daily f
  where not exists (select 1 from "${schema}".kpi_events e where e.event_date = f.date_key and not e.learn_from)
),
-- Each learnable day of the window with its own baseline (the window before it), so a
-- without_outliers KPI can leave out the days outside their own bounds.
window_days as (
  select s.as_of_date, s.kpi_id, s.entity_id, s.window_days, f.value::float8 as value,
    own.n >= 2 and abs(f.value::float8 - own.mean) >= c.k * greatest(coalesce(own.std, 0), c.min_rel_spread * abs(own.mean), c.min_abs_spread)
      and f.value::float8 <> own.mean as outlier,
    c.baseline
  from samples s
  join "${schema}".kpi_threshold_config c on c.kpi_id = s.kpi_id
  join learnable f on f.kpi_id = s.kpi_id and f.entity_id = s.entity_id
    and f.date_key between s.as_of_date - s.window_days and s.as_of_date - 1
  cross join lateral (
    select count(g.value) as n, avg(g.value::float8) as mean, stddev_samp(g.value::float8) as std
    from learnable g
    where g.kpi_id = f.kpi_id and g.entity_id = f.entity_id and g.date_key between f.date_key - s.window_days and f.date_key - 1
  ) own
),
rolling as (
  select s.as_of_date, s.kpi_id, s.entity_id, s.window_days,
    count(d.value) as n, avg(d.value) as mean, stddev_samp(d.value) as std
  from samples s
  left join window_days d on d.as_of_date = s.as_of_date and d.kpi_id = s.kpi_id and d.entity_id = s.entity_id and d.window_days = s.window_days
    and not (d.baseline = 'without_outliers' and coalesce(d.outlier, false))
  group by 1, 2, 3, 4
),
weekday as (
  select s.as_of_date, s.kpi_id, s.entity_id,
    count(f.value) as n, avg(f.value::float8) as mean, stddev_samp(f.value::float8) as std
  from (select distinct as_of_date, kpi_id, entity_id from samples) s
  left join learnable f on f.kpi_id = s.kpi_id and f.entity_id = s.entity_id
    and f.date_key in (select s.as_of_date - 7 * w from generate_series(1, 8) w)
  group by 1, 2, 3
)
select r.as_of_date::text, r.kpi_id, r.entity_id, r.window_days, r.n, r.mean, r.std,
  x.value::float8 as x,
  -- Kept within the KPI's range: none of these KPIs may go below 0 (dim_kpi.format: currency, count, percent).
  greatest(r.mean - c.k * greatest(coalesce(r.std, 0), c.min_rel_spread * abs(r.mean), c.min_abs_spread), 0) as lower_threshold,
  case when w.n >= 2 and w.std > 0 then (x.value::float8 - w.mean) / w.std end as seasonal_zscore,
  case c.pct_change_vs
    when 'rolling_mean' then case when abs(r.mean) >= c.min_base then (x.value::float8 - r.mean) / abs(r.mean) end
    when 'previous_day' then case when abs(pd.value) >= c.min_base then (x.value::float8 - pd.value::float8) / abs(pd.value::float8) end
    when 'same_weekday_last_year' then case when abs(ly.value) >= c.min_base then (x.value::float8 - ly.value::float8) / abs(ly.value::float8) end
    else case when abs(lw.value) >= c.min_base then (x.value::float8 - lw.value::float8) / abs(lw.value::float8) end
  end as pct_change
from rolling r
join weekday w using (as_of_date, kpi_id, entity_id)
join "${schema}".kpi_threshold_config c on c.kpi_id = r.kpi_id
left join "${schema}".fact_kpi_daily x on x.kpi_id = r.kpi_id and x.entity_id = r.entity_id and x.date_key = r.as_of_date
-- An event day is no reference for a percent change.
left join learnable lw on lw.kpi_id = r.kpi_id and lw.entity_id = r.entity_id and lw.date_key = r.as_of_date - 7
left join learnable pd on pd.kpi_id = r.kpi_id and pd.entity_id = r.entity_id and pd.date_key = r.as_of_date - 1
left join learnable ly on ly.kpi_id = r.kpi_id and ly.entity_id = r.entity_id and ly.date_key = r.as_of_date - 364
order by 1, 2, 3, 4`;
}

function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

for (const kind of databaseKinds()) {
  describe(`KPI thresholds and alerts on ${kind}`, () => {
    let db: TestDatabase;
    let dir: string;
    let schema: string;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
      dir = copyKpiProject();
      schema = db.target().schema;
      const summary = await build({ projectDir: dir, targetConfig: db.target(schema), adapter: db.adapter, vars });
      const problems = summary.results.filter((result) => !['success', 'pass'].includes(result.status));
      expect(problems.map((result) => `${result.unique_id}: ${result.message}`)).toEqual([]);
    });
    afterAll(async () => {
      await db.close();
      removeDir(dir);
    });

    it('matches rolling statistics, bounds, z-scores and percent changes recomputed independently', async () => {
      const expected = await db.query<Record<string, number | string | null>>(independentStats(schema));
      const actual = await db.query<Record<string, number | string | null>>(
        `select as_of_date::text, kpi_id, entity_id, window_days, baseline_n, rolling_mean, rolling_std, lower_threshold, seasonal_zscore, pct_change
         from "${schema}".kpi_thresholds
         where as_of_date in ('2023-11-24', '2024-02-29', '2024-06-17', '2024-12-31', '2025-01-20') and kpi_id in (1, 14, 18, 20, 23, 27)
         order by 1, 2, 3, 4`,
      );
      expect(actual.length).toBe(expected.length);
      expect(actual.length).toBe(5 * 6 * 2 * 3);
      const mismatches: string[] = [];
      actual.forEach((row, index) => {
        const other = expected[index];
        const pairs: Array<[string, unknown, unknown]> = [
          ['baseline_n', Number(row.baseline_n), Number(other.n)],
          ['rolling_mean', row.rolling_mean, other.mean],
          ['rolling_std', row.rolling_std, other.std],
          ['lower_threshold', row.lower_threshold, other.lower_threshold],
          ['seasonal_zscore', row.seasonal_zscore, other.seasonal_zscore],
          ['pct_change', row.pct_change, other.pct_change],
        ];
        for (const [name, a, b] of pairs) {
          if (!close(a === null ? null : Number(a), b === null ? null : Number(b))) {
            mismatches.push(`${row.as_of_date} kpi ${row.kpi_id} entity ${row.entity_id} w${row.window_days} ${name}: model ${a}, independent ${b}`);
          }
        }
      });
      expect(mismatches.slice(0, 10)).toEqual([]);
    });

    it('flags every injected anomaly in its range Red in the 7-day window, and few clean days Red', async () => {
      const flagged = await db.query<{ anomaly_date: string; kpi_code: string; status: string }>(
        `select a.anomaly_date::text, a.kpi_code, t.status
         from "${schema}_raw".demo_anomalies a
         join "${schema}".dim_kpi k using (kpi_code)
         join "${schema}".kpi_thresholds t on t.kpi_id = k.kpi_id and t.entity_id = a.entity_id and t.as_of_date = a.anomaly_date and t.window_days = 7
         order by 1`,
      );
      expect(flagged.map((row) => row.anomaly_date)).toEqual(['2023-11-24', '2024-02-29', '2024-12-31']);
      for (const row of flagged) expect(row.status, `${row.anomaly_date} ${row.kpi_code}`).toBe('red');
      const share = await db.query<{ red_share: number }>(
        `select avg((status = 'red')::int)::float8 as red_share from "${schema}".kpi_thresholds t
         where window_days = 7 and not exists (select 1 from "${schema}_raw".demo_anomalies a where a.anomaly_date = t.as_of_date)`,
      );
      expect(share[0].red_share).toBeLessThan(0.02);
      // Every row explains itself.
      const unexplained = await db.query<{ n: number }>(`select count(*)::int as n from "${schema}".kpi_thresholds where reason is null or config_hash is null`);
      expect(unexplained).toEqual([{ n: 0 }]);
    });

    it('compares a same_weekday_last_year KPI with its value 52 weeks before', async () => {
      // The reference joined here by the date 52 weeks back; an event day not learned from (or
      // an inactive day of a KPI compared on its active days) is no reference.
      const rows = await db.query<{ kpi_code: string; day: string; window_days: number; pct_change: number | null; expected: number | null; same_weekday: boolean | null }>(
        `select k.kpi_code, t.as_of_date::text as day, t.window_days, t.pct_change,
                case when abs(ly.value) >= c.min_base then (t.value::float8 - ly.value::float8) / abs(ly.value::float8) end as expected,
                extract(isodow from ly.date_key) = extract(isodow from t.as_of_date) as same_weekday
         from "${schema}".kpi_thresholds t
         join "${schema}".dim_kpi k on k.kpi_id = t.kpi_id
         join "${schema}".kpi_threshold_config c on c.kpi_id = t.kpi_id
         left join "${schema}".fact_kpi_daily ly on ly.kpi_id = t.kpi_id and ly.entity_id = t.entity_id
           and ly.date_key = (t.as_of_date - interval '52 weeks')::date
           and not exists (select 1 from "${schema}".kpi_events e where e.event_date = ly.date_key and not e.learn_from)
           and not (c.compare_on = 'active_days' and ly.value = 0)
         where c.pct_change_vs = 'same_weekday_last_year' and t.value is not null
         order by t.kpi_id, t.entity_id, t.as_of_date, t.window_days`,
      );
      // config/thresholds.yml gives ONLINE_ORDERS this reference.
      expect(new Set(rows.map((row) => row.kpi_code))).toContain('ONLINE_ORDERS');
      const compared = rows.filter((row) => row.expected !== null);
      // Two years of history: every day from 2023-10-31 on has a reference (2 entities, 3 windows).
      expect(compared.length).toBeGreaterThan(400 * 2 * 3);
      expect(compared.every((row) => row.same_weekday)).toBe(true);
      const mismatches = rows.filter((row) => !close(row.pct_change === null ? null : Number(row.pct_change), row.expected === null ? null : Number(row.expected)));
      expect(mismatches.slice(0, 5)).toEqual([]);
      // Black Friday 2023, the checkout outage (a quarter of the orders), against Black Friday
      // 2022: down by more than the 50 % at which P fires.
      const blackFriday = rows.filter((row) => row.kpi_code === 'ONLINE_ORDERS' && row.day === '2023-11-24');
      expect(blackFriday.length).toBe(2 * 3);
      for (const row of blackFriday) expect(Number(row.pct_change)).toBeLessThan(-0.5);
    });

    it('generates a club whose members move by signups minus cancellations, smoothly, with the injected cancellations far above the usual', async () => {
      const raw = `"${schema}_raw".raw_club_daily`;
      const anomalies = `"${schema}_raw".demo_anomalies`;
      const identity = await db.query<{ broken: number; days: number; jumpy: number }>(
        `select count(*) filter (where t.active_members - p.active_members <> t.signups - t.cancellations
                                    or t.net_adds <> t.signups - t.cancellations or t.signups < 0 or t.cancellations < 0)::int as broken,
                -- Smooth: consecutive days' net adds differ by rounding only, except on and after an anomaly day.
                count(*) filter (where abs(t.net_adds - p.net_adds) > 2
                                   and not exists (select 1 from ${anomalies} a where a.entity_id = t.location_id and t.date_key - a.anomaly_date in (0, 1)))::int as jumpy,
                count(*)::int as days
         from ${raw} t join ${raw} p on p.location_id = t.location_id and p.date_key = t.date_key - 1`,
      );
      expect(identity[0]).toMatchObject({ broken: 0, jumpy: 0 });
      expect(identity[0].days).toBeGreaterThan(800);
      // The year-end spike (factor 8 on the expected level) against every ordinary day.
      const spike = await db.query<{ value: number; median: number; at_or_above: number }>(
        `select a.cancellations as value,
                (select percentile_cont(0.5) within group (order by o.cancellations) from ${raw} o
                 where o.location_id = a.location_id and o.date_key <> a.date_key) as median,
                (select count(*) from ${raw} o
                 where o.location_id = a.location_id and o.date_key <> a.date_key and o.cancellations >= a.cancellations)::int as at_or_above
         from ${raw} a where a.location_id = 1 and a.date_key = date '2024-12-31'`,
      );
      expect(spike[0].at_or_above).toBe(0);
      expect(spike[0].value).toBeGreaterThanOrEqual(4 * Number(spike[0].median));

      // A closed form of the day: generated from 2025-01-05 on only, after the anomaly, the club
      // has the same figures (the members the anomaly took stay gone).
      const later = db.target().schema;
      const alone = await build({
        projectDir: dir,
        targetConfig: db.target(later),
        adapter: db.adapter,
        vars: { ...vars, demo_start_date: '2025-01-05' },
        select: ['+raw_club_daily'],
        exclude: ['resource_type:test', 'resource_type:unit_test'],
      });
      expect(alone.success).toBe(true);
      const compare = (table: string) => db.query(`select * from ${table} where date_key >= date '2025-01-05' order by date_key, location_id`);
      const own = await compare(`"${later}_raw".raw_club_daily`);
      expect(own.length).toBe(16);
      expect(own).toEqual(await compare(raw));
    });

    it('scores kpi_events days expected, naming the event, and keeps bounds within each KPI range', async () => {
      // The events that apply to each row (every KPI and entity unless the event names one).
      const events = await db.query<{ rows: number; expected: number; grey: number; alerting: number; unnamed: number }>(
        `select count(*)::int as rows,
                count(*) filter (where t.status = 'grey')::int as grey,
                count(*) filter (where t.status = 'expected')::int as expected,
                count(*) filter (where t.status in ('red', 'yellow'))::int as alerting,
                count(*) filter (where t.status = 'expected' and position(e.description in t.reason) = 0)::int as unnamed
         from "${schema}".kpi_thresholds t
         join "${schema}".dim_kpi k on k.kpi_id = t.kpi_id
         join "${schema}".kpi_events e on e.event_date = t.as_of_date
           and (e.entity_id is null or e.entity_id = t.entity_id) and (e.kpi_code is null or e.kpi_code = k.kpi_code)`,
      );
      // 2022-11-01 .. 2025-01-20 holds nine closures (New Year, Thanksgiving and Christmas three times each).
      expect(events[0].rows).toBe(9 * 27 * 2 * 3);
      expect(events[0]).toMatchObject({ alerting: 0, unnamed: 0 });
      // The rest are grey: no figure on a closed day (no-show rate, conversion), or the demo's first day.
      expect(events[0].expected + events[0].grey).toBe(events[0].rows);
      expect(events[0].expected).toBeGreaterThan(events[0].rows / 2);
      // No Red on the day after a closure because it is compared with the closed day.
      const afterClosure = await db.query<{ n: number }>(
        `select count(*)::int as n from "${schema}".kpi_thresholds t
         where t.as_of_date - 1 in (select event_date from "${schema}".kpi_events) and t.status = 'red' and t.counted_signals = 'P' and t.pct_change_vs = 'previous_day'`,
      );
      expect(afterClosure).toEqual([{ n: 0 }]);
      // Ranges from dim_kpi.format: percents within [0, 1], everything else non-negative
      // except net adds (value_range: any in config/thresholds.yml).
      const outOfRange = await db.query<{ below: number; above: number; rows: number }>(
        `select count(*) filter (where t.lower_threshold < 0 and k.kpi_code <> 'CLUB_NET_ADDS')::int as below,
                count(*) filter (where k.format = 'percent' and t.upper_threshold > 1)::int as above,
                count(*)::int as rows
         from "${schema}".kpi_thresholds t join "${schema}".dim_kpi k using (kpi_id)`,
      );
      expect(outOfRange[0]).toMatchObject({ below: 0, above: 0 });
      expect(outOfRange[0].rows).toBeGreaterThan(0);
      // CLUB_FEES is charged on a few days: its zero days are its ordinary state.
      const fees = await db.query<{ zero_alerts: number; zero_days: number }>(
        `select count(*) filter (where t.status in ('red', 'yellow'))::int as zero_alerts, count(*)::int as zero_days
         from "${schema}".kpi_thresholds t join "${schema}".dim_kpi k using (kpi_id)
         where k.kpi_code = 'CLUB_FEES' and t.value = 0`,
      );
      expect(fees[0].zero_days).toBeGreaterThan(100);
      expect(fees[0].zero_alerts).toBe(0);
    });

    it('serves the newest day for all three windows and keeps the history idempotent', async () => {
      const serving = await db.query<{ n: number; dates: number; windows: number }>(
        `select count(*)::int as n, count(distinct as_of_date)::int as dates, count(distinct window_days)::int as windows from "${schema}".kpi_serving`,
      );
      expect(serving).toEqual([{ n: 27 * 2 * 3, dates: 1, windows: 3 }]);
      const before = await db.query<{ n: number }>(`select count(*)::int as n from "${schema}".kpi_status_history`);
      const again = await run({ projectDir: dir, targetConfig: db.target(schema), adapter: db.adapter, vars, select: ['kpi_thresholds+'] });
      expect(again.success).toBe(true);
      expect(await db.query(`select count(*)::int as n from "${schema}".kpi_status_history`)).toEqual(before);
      const duplicates = await db.query<{ n: number }>(
        `select count(*)::int as n from (select 1 from "${schema}".kpi_status_history group by as_of_date, kpi_id, entity_id, window_days having count(*) > 1) d`,
      );
      expect(duplicates).toEqual([{ n: 0 }]);
      // The history keeps the evidence: each row's figures equal kpi_thresholds' for its day.
      const evidence = await db.query<{ differing: number; rows: number }>(
        `select count(*) filter (where (h.value, h.baseline_n, h.rolling_mean, h.rolling_std, h.lower_threshold, h.upper_threshold, h.seasonal_zscore, h.pct_change, h.pct_change_vs)
                                       is distinct from (t.value, t.baseline_n, t.rolling_mean, t.rolling_std, t.lower_threshold, t.upper_threshold, t.seasonal_zscore, t.pct_change, t.pct_change_vs))::int as differing,
                count(*)::int as rows
         from "${schema}".kpi_status_history h join "${schema}".kpi_thresholds t using (as_of_date, kpi_id, entity_id, window_days)`,
      );
      expect(evidence[0].differing).toBe(0);
      expect(evidence[0].rows).toBe(before[0].n);
      // kpi alerts for a past day reads the bounds back from the history.
      const [{ day }] = await db.query<{ day: string }>(`select (max(as_of_date) - 3)::text as day from "${schema}".kpi_status_history`);
      const past = await alerts({ projectDir: dir, targetConfig: db.target(schema), adapter: db.adapter, vars, window: 7, date: day });
      expect(past.source).toBe(`${schema}.kpi_status_history`);
      const withBounds = past.rows.filter((row) => row.lower_threshold !== null && row.upper_threshold !== null);
      expect(withBounds.length).toBeGreaterThan(past.rows.length / 2);
      expect(withBounds.every((row) => row.expected_text !== '')).toBe(true);
    });

    it('gives the same thresholds after daily increments as a full refresh', async () => {
      for (const end of ['2025-01-21', '2025-01-22', '2025-01-23']) {
        expect((await run({ projectDir: dir, targetConfig: db.target(schema), adapter: db.adapter, vars: { ...vars, demo_end_date: end } })).success).toBe(true);
      }
      const snapshot = () => db.query(`select * from "${schema}".kpi_thresholds order by as_of_date, kpi_id, entity_id, window_days`);
      const incremental = await snapshot();
      const full = await run({
        projectDir: dir,
        targetConfig: db.target(schema),
        adapter: db.adapter,
        vars: { ...vars, demo_end_date: '2025-01-23' },
        select: ['kpi_thresholds'],
        fullRefresh: true,
      });
      expect(full.success).toBe(true);
      const refreshed = await snapshot();
      expect(incremental.length).toBe(refreshed.length);
      expect(incremental).toEqual(refreshed);
    });

    it('prints the board, fails schedulers on red, and posts only changes to a webhook', async () => {
      const board = await alerts({ projectDir: dir, targetConfig: db.target(schema), adapter: db.adapter, vars, window: 7 });
      expect(board.rows.length).toBe(27 * 2);
      expect(new Set(board.rows.map((row) => row.as_of_date))).toEqual(new Set([board.date]));

      // The changes a webhook should carry, computed from the history directly.
      const expectedChanges = await db.query<{ n: number }>(
        `select count(*)::int as n
         from "${schema}".kpi_status_history t
         join "${schema}".kpi_status_history p on p.kpi_id = t.kpi_id and p.entity_id = t.entity_id and p.window_days = t.window_days and p.as_of_date = t.as_of_date - 1
         where t.window_days = 7 and t.as_of_date = $1 and p.status <> t.status`,
        [board.date],
      );
      const received: unknown[] = [];
      const server: Server = createServer((request: IncomingMessage, response) => {
        let body = '';
        request.on('data', (chunk) => (body += chunk));
        request.on('end', () => {
          received.push(JSON.parse(body));
          response.writeHead(200).end('ok');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/secret`;
      try {
        const posted = await alerts({ projectDir: dir, targetConfig: db.target(schema), adapter: db.adapter, vars, window: 7, webhook: url });
        expect(posted.webhook?.error).toBeNull();
        expect(posted.webhook?.changes.length).toBe(expectedChanges[0].n);
        expect(received.length).toBe(expectedChanges[0].n > 0 ? 1 : 0);
        if (received.length > 0) expect(JSON.stringify(received[0])).toMatch(/"text"/);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }

      // The real binary: JSON out, and --fail-on red decides the exit code from what is on the board.
      writeFileSync(
        join(dir, 'profiles.yml'),
        kind === 'pglite' ? '' : `kpi:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      url: "{{ env_var('KPI_TEST_PG_URL') }}"\n      schema: ${schema}\n`,
      );
      if (kind === 'postgres') {
        const json = await kpi(['alerts', '--format', 'json', '--window', '7', '--project-dir', dir, '--profiles-dir', dir]);
        expect(json.code).toBe(0);
        expect(JSON.parse(json.stdout).rows).toHaveLength(27 * 2);
        const failing = await kpi(['alerts', '--fail-on', 'red', '--window', '7', '--project-dir', dir, '--profiles-dir', dir]);
        const hasRed = board.rows.some((row) => row.status === 'red');
        expect(failing.code).toBe(hasRed ? 1 : 0);
        const yellowOrWorse = board.rows.some((row) => row.status === 'red' || row.status === 'yellow');
        const failingYellow = await kpi(['alerts', '--fail-on', 'yellow', '--window', '7', '--project-dir', dir, '--profiles-dir', dir]);
        expect(failingYellow.code).toBe(yellowOrWorse ? 1 : 0);
      }
    });

    it('backtests the statuses, and recomputes the same ones for a setting equal to the current one', async () => {
      const options = { projectDir: dir, targetConfig: db.target(schema), adapter: db.adapter, vars: { ...vars, demo_end_date: '2025-01-23' } };
      // Every KPI has clear_days 1: recomputing with it reproduces kpi_thresholds as built.
      const result = await alertsBacktest({ ...options, vary: { clear_days: ['1'] }, budget: 1 });
      expect(result.labels).toBe(`${schema}_raw.demo_anomalies`);
      expect(result.runs.map((entry) => entry.label)).toEqual(['current', 'clear_days=1']);
      expect(result.runs[1].series).toEqual(result.runs[0].series);
      expect(result.runs[1].incidents).toEqual(result.runs[0].incidents);
      // The three anomalies inside the demo's range, each seen by three windows.
      expect(result.runs[0].overall.incidents).toBe(3 * 3);
      const sevenDay = result.runs[0].incidents.filter((incident) => incident.windowDays === 7);
      expect(sevenDay.map((incident) => incident.date)).toEqual(['2023-11-24', '2024-02-29', '2024-12-31']);
      // The figures agree with the statuses of kpi_thresholds on the incidents' days.
      const onDay = await db.query<{ anomaly_date: string; status: string }>(
        `select a.anomaly_date::text, t.status from "${schema}_raw".demo_anomalies a
         join "${schema}".dim_kpi k using (kpi_code)
         join "${schema}".kpi_thresholds t on t.kpi_id = k.kpi_id and t.entity_id = a.entity_id and t.as_of_date = a.anomaly_date and t.window_days = 7
         order by 1`,
      );
      expect(sevenDay.map((incident) => [incident.date, incident.statusOnDay])).toEqual(onDay.map((row) => [row.anomaly_date, row.status]));
      expect(result.proposalYaml).toMatch(/^kpis:$/m);
      // A different k recomputes other statuses: the more lenient, the fewer Reds.
      const lenient = await alertsBacktest({ ...options, vary: { k: ['6'], 'policy.red': ['4'] } });
      expect(lenient.runs[1].overall.falseReds).toBeLessThan(result.runs[0].overall.falseReds);
    });

    it('keeps the statuses it published when the thresholds are recomputed with other settings', async () => {
      const history = () => db.query<{ config_hash: string }>(`select as_of_date::text, kpi_id, entity_id, window_days, status, config_hash from "${schema}".kpi_status_history order by 1, 2, 3, 4`);
      const before = await history();
      const file = join(dir, 'config/thresholds.yml');
      const original = readFileSync(file, 'utf8');
      expect(original).toMatch(/^ {2}k: 2\b/m);
      writeFileSync(file, original.replace(/^ {2}k: 2\b/m, '  k: 0.5'));
      try {
        const rerun = await run({
          projectDir: dir,
          targetConfig: db.target(schema),
          adapter: db.adapter,
          vars: { ...vars, demo_end_date: '2025-01-23' },
          select: ['kpi_threshold_config+'],
          fullRefresh: true,
        });
        expect(rerun.results.filter((result) => result.status !== 'success').map((result) => result.message)).toEqual([]);
      } finally {
        writeFileSync(file, original);
      }
      // The thresholds were recomputed with the new settings; the history still holds what was published.
      const recomputed = await db.query<{ n: number; changed: number }>(
        `select count(*)::int as n, count(*) filter (where t.config_hash <> h.config_hash or t.status <> h.status)::int as changed
         from "${schema}".kpi_thresholds t
         join "${schema}".kpi_status_history h using (as_of_date, kpi_id, entity_id, window_days)`,
      );
      expect(recomputed[0].n).toBe(before.length);
      expect(recomputed[0].changed).toBeGreaterThan(0);
      expect(await history()).toEqual(before);
    });
  });
}
