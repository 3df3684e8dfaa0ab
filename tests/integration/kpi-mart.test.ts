import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, execute, parse, run } from '../../src/api.js';
import { KpiError } from '../../src/errors.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { removeDir } from '../helpers/fixtures.js';
import { addDays, copyKpiProject } from '../helpers/kpi-project.js';

// Two years of history keeps the suite fast and still covers a leap February (2024-02-29,
// 2025-02-28), a year end, and prior-year figures.
const START = '2023-01-01';
const END = '2025-04-10';
const baseVars = { demo_start_date: START, demo_end_date: END, demo_entities: 2 };

/**
 * An independent computation of a dashboard figure: aggregate the facts over the window's
 * date range directly (no running totals, no stored rows), by dim_kpi.agg_type.
 */
function independentFigures(schema: string): string {
  return `
with samples as (
  select s.as_of_date, s.kpi_id, s.entity_id, k.agg_type
  from "${schema}".sample_rows s join "${schema}".dim_kpi k using (kpi_id)
),
windows as (
  select s.*, w.figure, w.first_day, w.last_day
  from samples s
  cross join lateral (values
    ('day', s.as_of_date, s.as_of_date),
    ('day_prior', s.as_of_date - 364, s.as_of_date - 364),
    ('mtd', date_trunc('month', s.as_of_date)::date, s.as_of_date),
    ('mtd_prior', date_trunc('month', s.as_of_date - interval '1 year')::date, (s.as_of_date - interval '1 year')::date),
    ('qtd', date_trunc('quarter', s.as_of_date)::date, s.as_of_date),
    ('qtd_prior', date_trunc('quarter', s.as_of_date - interval '1 year')::date, (s.as_of_date - interval '1 year')::date),
    ('ytd', date_trunc('year', s.as_of_date)::date, s.as_of_date),
    ('ytd_prior', date_trunc('year', s.as_of_date - interval '1 year')::date, (s.as_of_date - interval '1 year')::date),
    ('last28', s.as_of_date - 27, s.as_of_date),
    ('last28_prior', s.as_of_date - 391, s.as_of_date - 364)
  ) as w(figure, first_day, last_day)
),
aggregated as (
  select w.as_of_date, w.kpi_id, w.entity_id, w.figure,
    case w.agg_type
      when 'sum' then sum(f.value)
      when 'ratio' then sum(f.numerator) / nullif(sum(f.denominator), 0)
      when 'last' then (array_agg(f.value order by f.date_key desc) filter (where f.date_key is not null))[1]
    end as figure_value
  from windows w
  left join "${schema}".fact_kpi_daily f
    on f.kpi_id = w.kpi_id and f.entity_id = w.entity_id and f.date_key between w.first_day and w.last_day
  group by w.as_of_date, w.kpi_id, w.entity_id, w.figure, w.agg_type
)
select as_of_date::text, kpi_id, entity_id, figure, figure_value::text as value from aggregated order by 1, 2, 3, 4`;
}

const FIGURE_COLUMNS = ['day', 'mtd', 'qtd', 'ytd', 'last28'];

for (const kind of databaseKinds()) {
  describe(`the KPI mart on ${kind}`, () => {
    let db: TestDatabase;
    let dir: string;
    let schema: string;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
      dir = copyKpiProject();
    });
    afterAll(async () => {
      await db.close();
      removeDir(dir);
    });

    it('builds seeds, demo sources, the marts and their tests, all green', async () => {
      const target = db.target();
      schema = target.schema;
      const summary = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars: baseVars });
      const failures = summary.results.filter((result) => result.status !== 'success' && result.status !== 'pass');
      expect(failures.map((result) => `${result.unique_id}: ${result.status} ${result.message}`)).toEqual([]);
      const days = (Date.parse(END) - Date.parse(START)) / 86_400_000 + 1;
      const counts = await db.query<{ facts: number; dashboard: number; kpis: number }>(
        `select (select count(*)::int from "${schema}".fact_kpi_daily) as facts,
                (select count(*)::int from "${schema}".agg_kpi_dashboard) as dashboard,
                (select count(*)::int from "${schema}".dim_kpi) as kpis`,
      );
      // 27 KPIs, two locations and ALL, every day.
      expect(counts[0]).toEqual({ facts: days * 27 * 3, dashboard: days * 27 * 3, kpis: 27 });
      // Sources and the wide mart live in their own schemas, never in the sandbox.
      const tables = await db.query<{ schema: string; name: string }>(`select table_schema as schema, table_name as name from information_schema.tables where table_schema like $1 order by 1, 2`, [
        `${schema}%`,
      ]);
      expect(tables.filter((table) => table.name.startsWith('raw_')).every((table) => table.schema === `${schema}_raw`)).toBe(true);
      expect(tables.find((table) => table.name === 'agg_daily_revenue')?.schema).toBe(`${schema}_analytics`);
    });

    it("declares primary keys on each table's grain and foreign keys to its dimensions, in the database catalog", async () => {
      // What BI tools read to find the joins: information_schema's key constraints, as JDBC's getImportedKeys does.
      const keys = await db.query<{ table_name: string; kind: string; columns: string; referenced: string | null }>(
        `select tc.table_name, tc.constraint_type as kind,
           (select string_agg(k.column_name, ',' order by k.ordinal_position) from information_schema.key_column_usage k
             where k.constraint_schema = tc.constraint_schema and k.constraint_name = tc.constraint_name) as columns,
           (select min(u.table_name || '.' || u.column_name) from information_schema.constraint_column_usage u
             where tc.constraint_type = 'FOREIGN KEY' and u.constraint_schema = tc.constraint_schema and u.constraint_name = tc.constraint_name) as referenced
         from information_schema.table_constraints tc
         where tc.table_schema = $1 and tc.constraint_type in ('PRIMARY KEY', 'FOREIGN KEY')
         order by 1, 2 desc, 3`,
        [schema],
      );
      const dims = (date: string) => [
        { kind: 'FOREIGN KEY', columns: date, referenced: 'dim_date.date_key' },
        { kind: 'FOREIGN KEY', columns: 'entity_id', referenced: 'dim_entity.entity_id' },
        { kind: 'FOREIGN KEY', columns: 'kpi_id', referenced: 'dim_kpi.kpi_id' },
      ];
      const pk = (columns: string) => ({ kind: 'PRIMARY KEY', columns, referenced: null });
      const byTable = (name: string) => keys.filter((key) => key.table_name === name).map(({ kind, columns, referenced }) => ({ kind, columns, referenced }));
      expect(byTable('dim_date')).toEqual([pk('date_key')]);
      expect(byTable('fact_kpi_daily')).toEqual([pk('date_key,kpi_id,entity_id'), ...dims('date_key')]);
      expect(byTable('agg_kpi_dashboard')).toEqual([pk('as_of_date,kpi_id,entity_id'), ...dims('as_of_date')]);
      expect(byTable('kpi_thresholds')).toEqual([pk('as_of_date,kpi_id,entity_id,window_days'), ...dims('as_of_date')]);
      expect(byTable('kpi_status_history')).toEqual([pk('as_of_date,kpi_id,entity_id,window_days'), ...dims('as_of_date')]);
      expect(byTable('kpi_serving')).toEqual([pk('kpi_id,entity_id,window_days'), ...dims('as_of_date')]);
      expect(byTable('kpi_threshold_config')).toEqual([pk('kpi_id'), { kind: 'FOREIGN KEY', columns: 'kpi_id', referenced: 'dim_kpi.kpi_id' }]);
    });

    it("enforces the thresholds' status, windows and bounds in the database: a bad row is refused and nothing changes", async () => {
      const thresholds = `"${schema}".kpi_thresholds`;
      const before = await db.query<{ rows: number; red: number }>(`select count(*)::int as rows, count(*) filter (where status = 'red')::int as red from ${thresholds}`);
      const day = `(select max(as_of_date) from ${thresholds})`;
      await expect(db.query(`update ${thresholds} set status = 'purple' where as_of_date = ${day}`)).rejects.toThrow(/kpi_thresholds_status_check/);
      await expect(db.query(`update ${thresholds} set window_days = window_days + 1 where as_of_date = ${day} and window_days = 60`)).rejects.toThrow(/kpi_thresholds_window_days_check/);
      await expect(db.query(`update ${thresholds} set lower_threshold = upper_threshold + 1 where as_of_date = ${day} and upper_threshold is not null`)).rejects.toThrow(/kpi_thresholds_bounds_check/);
      await expect(db.query(`update ${thresholds} set status = null where as_of_date = ${day}`)).rejects.toThrow(/null value in column "status"/);
      expect(await db.query(`select count(*)::int as rows, count(*) filter (where status = 'red')::int as red from ${thresholds}`)).toEqual(before);
    });

    it('matches an independent computation, including leap days, year ends and every aggregation type', async () => {
      const dates = ['2024-02-29', '2025-02-28', '2025-03-31', '2024-12-31', '2025-01-01', '2024-03-01', '2023-01-01', '2023-01-28', END];
      await db.query(
        `create table "${schema}".sample_rows as
        select d::date as as_of_date, k.kpi_id, e.entity_id
        from unnest($1::date[]) d, "${schema}".dim_kpi k, (values (0), (1), (2)) e(entity_id)`,
        [dates],
      );
      const expected = await db.query<{ as_of_date: string; kpi_id: number; entity_id: number; figure: string; value: string | null }>(independentFigures(schema));
      const actual = await db.query<Record<string, string | number | null>>(`select d.* from "${schema}".agg_kpi_dashboard d join "${schema}".sample_rows s using (as_of_date, kpi_id, entity_id)`);
      expect(actual.length).toBe(dates.length * 27 * 3);
      const byKey = new Map(actual.map((row) => [`${row.as_of_date}|${row.kpi_id}|${row.entity_id}`, row]));
      const mismatches: string[] = [];
      for (const row of expected) {
        const dashboard = byKey.get(`${row.as_of_date}|${row.kpi_id}|${row.entity_id}`);
        const [figure, part] = row.figure.split('_');
        const column = part === 'prior' ? `${figure}_prior` : `${figure}_value`;
        const got = dashboard?.[column] ?? null;
        const same = got === null || row.value === null ? got === row.value : Number(got) === Number(row.value);
        if (!same) mismatches.push(`${row.as_of_date} kpi ${row.kpi_id} entity ${row.entity_id} ${column}: dashboard ${got}, independent ${row.value}`);
      }
      expect(mismatches.slice(0, 10)).toEqual([]);
      // The prior year of 2025-02-28 is Feb 1..28 2024 (Feb 29 not in it); of 2024-02-29, Feb 1..28 2023.
      const leap = await db.query<{ as_of_date: string; mtd_prior: string }>(
        `select as_of_date::text, mtd_prior::text from "${schema}".agg_kpi_dashboard where kpi_id = 1 and entity_id = 0 and as_of_date in ('2025-02-28', '2024-02-29') order by 1`,
      );
      const febSum = async (from: string, to: string) =>
        (await db.query<{ total: string }>(`select sum(value)::text as total from "${schema}".fact_kpi_daily where kpi_id = 1 and entity_id = 0 and date_key between $1 and $2`, [from, to]))[0].total;
      expect(leap).toEqual([
        { as_of_date: '2024-02-29', mtd_prior: await febSum('2023-02-01', '2023-02-28') },
        { as_of_date: '2025-02-28', mtd_prior: await febSum('2024-02-01', '2024-02-28') },
      ]);
      // delta_pct is delta / |prior| as a fraction, unrounded; the payload view holds the same figures.
      const payload = await db.query<{ ok: boolean; rows: number }>(
        `select bool_and(
            (payload -> 'mtd' ->> 'value')::numeric is not distinct from mtd_value
            and (payload -> 'ytd' ->> 'delta_pct')::numeric is not distinct from ytd_delta_pct
            and ytd_delta_pct is not distinct from (ytd_value - ytd_prior) / nullif(abs(ytd_prior), 0)) as ok,
            count(*)::int as rows
         from "${schema}".agg_kpi_dashboard_payload`,
      );
      expect(payload[0]).toEqual({ ok: true, rows: ((Date.parse(END) - Date.parse(START)) / 86_400_000 + 1) * 27 * 3 });
      const stored = await db.query<{ name: string }>(`select column_name as name from information_schema.columns where table_schema = $1 and table_name = 'agg_kpi_dashboard'`, [schema]);
      expect(stored.map((column) => column.name)).not.toContain('payload');
      for (const figure of FIGURE_COLUMNS) expect(actual[0]).toHaveProperty(`${figure}_delta_pct`);
    });

    it("keeps a ratio KPI exact: day, month to date and the day's change equal Σnumerator/Σdenominator of the wide mart, on a leap day and a year end", async () => {
      // Conversion % (kpi 27): club_signups / tr_guests. Computed from agg_daily_revenue, not from the facts the dashboard reads.
      const sums = async (from: string, to: string) =>
        (
          await db.query<{ numerator: string; denominator: string }>(
            `select sum(club_signups)::text as numerator, sum(tr_guests)::text as denominator
             from "${schema}_analytics".agg_daily_revenue where entity_id = 0 and date_key between $1 and $2`,
            [from, to],
          )
        )[0];
      // Exact rational arithmetic on the integer counts: a/b - c/d over |c/d| is (ad - cb) / (cb), sign kept.
      const ratio = (part: { numerator: string; denominator: string }) => [BigInt(part.numerator), BigInt(part.denominator)] as const;
      const close = (actual: string | null, numerator: bigint, denominator: bigint) => {
        expect(actual).not.toBeNull();
        const scale = 10n ** 30n;
        const exact = (numerator * scale) / denominator;
        const got = BigInt(Math.round(Number(actual) * 1e15)) * 10n ** 15n;
        // Agreement to 15 significant digits: numeric's division, never rounded to 8 decimals.
        const error = got > exact ? got - exact : exact - got;
        expect(Number(error) / Number(exact < 0n ? -exact : exact)).toBeLessThan(1e-13);
      };
      for (const day of ['2024-02-29', '2024-12-31']) {
        const [row] = await db.query<{ day_value: string; mtd_value: string; day_delta_pct: string }>(
          `select day_value::text, mtd_value::text, day_delta_pct::text from "${schema}".agg_kpi_dashboard where kpi_id = 27 and entity_id = 0 and as_of_date = $1`,
          [day],
        );
        const [a, b] = ratio(await sums(day, day));
        close(row.day_value, a, b);
        const [m, n] = ratio(await sums(`${day.slice(0, 7)}-01`, day));
        close(row.mtd_value, m, n);
        const prior = addDays(day, -364);
        const [c, d] = ratio(await sums(prior, prior));
        const change = a * d - c * b;
        close(row.day_delta_pct, change, c * b < 0n ? -(c * b) : c * b);
      }
    });

    it('gives the same tables after daily increments with a late correction as a full refresh', async () => {
      const vars = { ...baseVars, lookback_days: 3 };
      for (let day = 1; day <= 5; day++) {
        const end = addDays(END, day);
        if (day === 4) {
          // A late correction: the source system revises a day that is still within the lookback.
          await db.query(`update "${schema}_raw".raw_tasting_room_daily set wine_revenue = wine_revenue + 1000, orders = orders + 7 where date_key = $1`, [addDays(END, 2)]);
        }
        const summary = await run({ projectDir: dir, targetConfig: db.target(schema), adapter: db.adapter, vars: { ...vars, demo_end_date: end } });
        expect(summary.success).toBe(true);
      }
      const snapshot = async (table: string, key: string) =>
        db.query(`select * from ${table} order by ${key}`).then((rows) =>
          rows.map((row) => {
            const { updated_at: _, ...rest } = row as Record<string, unknown>;
            return rest;
          }),
        );
      const incremental = await snapshot(`"${schema}".agg_kpi_dashboard`, 'as_of_date, kpi_id, entity_id');
      const incrementalFacts = await snapshot(`"${schema}".fact_kpi_daily`, 'date_key, kpi_id, entity_id');
      const full = await run({
        projectDir: dir,
        targetConfig: db.target(schema),
        adapter: db.adapter,
        vars: { ...vars, demo_end_date: addDays(END, 5) },
        select: ['agg_daily_revenue+'],
        fullRefresh: true,
      });
      expect(full.success).toBe(true);
      const refreshed = await snapshot(`"${schema}".agg_kpi_dashboard`, 'as_of_date, kpi_id, entity_id');
      expect(incremental.length).toBe(refreshed.length);
      expect(await snapshot(`"${schema}".fact_kpi_daily`, 'date_key, kpi_id, entity_id')).toEqual(incrementalFacts);
      expect(incremental).toEqual(refreshed);
      const corrected = await db.query<{ value: string }>(`select value::text from "${schema}".fact_kpi_daily where kpi_id = 1 and entity_id = 1 and date_key = $1`, [addDays(END, 2)]);
      const raw = await db.query<{ value: string }>(`select wine_revenue::text as value from "${schema}_raw".raw_tasting_room_daily where location_id = 1 and date_key = $1`, [addDays(END, 2)]);
      expect(corrected).toEqual(raw);
    });

    if (kind === 'postgres') {
      it('builds fact_kpi_daily and kpi_thresholds in parts with the rows one statement gives, each series in one part', async () => {
        const vars = { ...baseVars, lookback_days: 3, demo_end_date: addDays(END, 5) };
        const q = (sql: string) => db.query<{ n: number }>(sql.replace(/\$s\./g, `"${schema}".`));
        await q('create table $s.facts_one as select * from $s.fact_kpi_daily; create table $s.thresholds_one as select * from $s.kpi_thresholds');
        const parted = await run({
          projectDir: dir,
          targetConfig: db.target(schema),
          adapter: db.adapter,
          vars: { ...vars, kpi_parallel_parts: 2 },
          select: ['fact_kpi_daily', 'kpi_thresholds'],
          fullRefresh: true,
        });
        expect(parted.results.map((result) => [result.unique_id.split('.').pop(), result.status])).toEqual([
          ['fact_kpi_daily', 'success'],
          ['kpi_thresholds', 'success'],
        ]);
        for (const [table, copy] of [
          ['fact_kpi_daily', 'facts_one'],
          ['kpi_thresholds', 'thresholds_one'],
        ]) {
          expect(await q(`select count(*)::int as n from (select * from $s.${table} except all select * from $s.${copy}) d`)).toEqual([{ n: 0 }]);
          expect(await q(`select count(*)::int as n from (select * from $s.${copy} except all select * from $s.${table}) d`)).toEqual([{ n: 0 }]);
        }
        // The compiled SQL of each part: every series in exactly one of the two.
        const compiled = readFileSync(join(dir, 'target/compiled/kpi/models/kpi/kpi_thresholds.sql'), 'utf8');
        const series: string[][] = [];
        for (const part of [0, 1]) {
          const rows = await db.adapter.withConnection(async (connection) => {
            await connection.query('begin');
            await connection.query(`select set_config('kpi.parallel_parts', '2', true), set_config('kpi.parallel_part', '${part}', true)`);
            const result = await connection.query<{ key: string }>(`select distinct kpi_id || ':' || entity_id as key from (${compiled}) t order by 1`);
            await connection.query('rollback');
            return result.rows.map((row) => row.key);
          });
          series.push(rows);
        }
        const all = ((await q("select distinct kpi_id || ':' || entity_id as key from $s.thresholds_one order by 1")) as unknown as Array<{ key: string }>).map((row) => row.key);
        expect(series[0].length).toBeGreaterThan(0);
        expect(series[1].length).toBeGreaterThan(0);
        expect([...series[0], ...series[1]].sort()).toEqual([...all].sort());
        await q('drop table $s.facts_one; drop table $s.thresholds_one');
      });
    }

    it('takes a new KPI from a dim_kpi row alone, and names a row whose column the mart lacks', async () => {
      const seed = join(dir, 'seeds/dim_kpi.csv');
      const original = readFileSync(seed, 'utf8');
      writeFileSync(seed, `${original.trimEnd()}\n28,TR_ORDERS,TR Orders,Sales,Orders,count,sum,tr_orders,,,up_good,280,Tasting-room orders.\n`);
      const schemaB = db.target().schema;
      const summary = await execute('build', {
        projectDir: dir,
        targetConfig: db.target(schemaB),
        adapter: db.adapter,
        vars: { ...baseVars, demo_start_date: '2025-01-01' },
        exclude: ['resource_type:test', 'resource_type:unit_test'],
      });
      expect(summary.success).toBe(true);
      const rows = await db.query<{ n: number; same: boolean }>(
        `select count(*)::int as n, bool_and(f.value = m.tr_orders) as same
         from "${schemaB}".fact_kpi_daily f join "${schemaB}_analytics".agg_daily_revenue m using (date_key, entity_id) where f.kpi_id = 28`,
      );
      expect(rows[0].same).toBe(true);
      expect(rows[0].n).toBeGreaterThan(0);

      writeFileSync(seed, `${original.trimEnd()}\n28,TR_ORDERS,TR Orders,Sales,Orders,count,sum,no_such_column,,,up_good,280,Broken.\n`);
      const broken = await execute('build', {
        projectDir: dir,
        targetConfig: db.target(schemaB),
        adapter: db.adapter,
        vars: { ...baseVars, demo_start_date: '2025-01-01' },
        select: ['dim_kpi', 'fact_kpi_daily'],
      });
      const fact = broken.results.find((result) => result.unique_id.endsWith('fact_kpi_daily'));
      expect(fact?.status).toBe('error');
      expect(fact?.message).toMatch(/dim_kpi row 28 \(TR_ORDERS\) reads column 'no_such_column'/);
      writeFileSync(seed, original);
    });

    it('rejects a bad fiscal_year_start_month with a compiler error that says where', async () => {
      const error = (await run({ projectDir: dir, targetConfig: db.target(), adapter: db.adapter, vars: { ...baseVars, fiscal_year_start_month: 13 }, select: ['dim_date'] }).catch(
        (caught: unknown) => caught,
      )) as KpiError;
      expect(error).toBeInstanceOf(KpiError);
      expect(error.code).toBe('KPI_COMPILER_ERROR');
      expect(error.message).toMatch(/fiscal_year_start_month must be 1\.\.12, got 13/);
      expect(error.location?.file).toBe('models/kpi/dim_date.sql');
      await expect(parse({ projectDir: dir, targetConfig: db.target(), vars: 'not: [valid' })).rejects.toBeInstanceOf(KpiError);
    });
  });
}
