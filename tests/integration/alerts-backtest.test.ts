import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsBacktest, type BacktestOptions } from '../../src/api.js';
import type { SeriesScore } from '../../src/mart/backtest-score.js';
import { formatBacktest } from '../../src/cli/format-backtest.js';
import type { BacktestArtifact } from '../../src/mart/backtest-artifact.js';
import { KpiError } from '../../src/errors.js';
import { kpi, profileYaml } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

/**
 * A hand-made history of statuses: 91 days (2024-01-01 .. 2024-03-31), two KPIs, a location
 * (1) and its parent ALL (0), the 7-day window and for one series the 30-day one. Green
 * unless listed; the first six days grey (too little history), Valentine's day expected.
 */
const DAYS = Array.from({ length: 91 }, (_, index) => new Date(Date.UTC(2024, 0, 1 + index)).toISOString().slice(0, 10));
const SERIES: Array<{ kpi: number; entity: number; window: number; marks: Record<string, string> }> = [
  {
    kpi: 1,
    entity: 1,
    window: 7,
    marks: {
      // Incident 01-10: Red on the day (detected after 0 days).
      '2024-01-10': 'red',
      // Incident 02-05: Yellow on the day, Red the next (detected after 1 day).
      '2024-02-05': 'yellow',
      '2024-02-06': 'red',
      // Incident 03-01: Yellow, then Red only two days later (missed; that Red is false).
      '2024-03-01': 'yellow',
      '2024-03-03': 'red',
      // False alarms on quiet days.
      '2024-01-20': 'red',
      '2024-02-20': 'red',
      '2024-01-25': 'yellow',
      '2024-02-14': 'expected',
    },
  },
  // Another KPI of the same location: Reds on its incident days are no false alarms.
  { kpi: 2, entity: 1, window: 7, marks: { '2024-01-10': 'red', '2024-02-06': 'yellow', '2024-01-15': 'red', '2024-03-10': 'yellow', '2024-02-14': 'expected' } },
  // The parent: the child's incident windows are not quiet days for it either.
  { kpi: 1, entity: 0, window: 7, marks: { '2024-01-11': 'red', '2024-01-30': 'red', '2024-02-14': 'expected' } },
  { kpi: 1, entity: 1, window: 30, marks: { '2024-01-10': 'red', '2024-02-07': 'red', '2024-02-14': 'expected' } },
];
const INCIDENTS = [
  // Before the history: not scored, so not a miss.
  { date: '2023-12-20', entity: 1, kpi: 'SALES' },
  { date: '2024-01-10', entity: 1, kpi: 'SALES' },
  { date: '2024-02-05', entity: 1, kpi: 'SALES' },
  { date: '2024-03-01', entity: 1, kpi: 'SALES' },
];
const CODES: Record<number, string> = { 1: 'SALES', 2: 'VISITS' };
const PARENT: Record<number, number | null> = { 0: null, 1: 0 };
const DETECT_WITHIN = 1;

function statusOf(series: (typeof SERIES)[number], day: string): string {
  return DAYS.indexOf(day) < 6 ? 'grey' : (series.marks[day] ?? 'green');
}

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * The rules of the backtest, computed here from the lists above with plain loops (not
 * the SQL under test): a day within DETECT_WITHIN days after an incident of an entity, or
 * of a child of it, is not quiet for any KPI of that entity; grey and expected days are
 * not scored; a Red in the incident's window detects it.
 */
function independentScores(): Array<
  Omit<SeriesScore, 'falseRedRate' | 'falseRedsPerMonth' | 'falseYellowsPerMonth' | 'recall' | 'precision' | 'meanDaysToDetect'> & { trueReds: number; delays: number[] }
> {
  const noisy = new Set<string>();
  const scored = INCIDENTS.filter((incident) => incident.date >= DAYS[0] && incident.date <= DAYS[DAYS.length - 1]);
  for (const incident of scored) {
    for (let offset = 0; offset <= DETECT_WITHIN; offset += 1) {
      const day = addDays(incident.date, offset);
      noisy.add(`${incident.entity}|${day}`);
      const parent = PARENT[incident.entity];
      if (parent !== null) noisy.add(`${parent}|${day}`);
    }
  }
  return SERIES.map((series) => {
    let quietDays = 0;
    let falseReds = 0;
    let falseYellows = 0;
    let trueReds = 0;
    const own = scored.filter((incident) => incident.kpi === CODES[series.kpi] && incident.entity === series.entity);
    for (const day of DAYS) {
      const status = statusOf(series, day);
      if (status === 'grey' || status === 'expected') continue;
      const inOwn = own.some((incident) => day >= incident.date && day <= addDays(incident.date, DETECT_WITHIN));
      if (status === 'red' && inOwn) trueReds += 1;
      if (noisy.has(`${series.entity}|${day}`)) continue;
      quietDays += 1;
      if (status === 'red') falseReds += 1;
      if (status === 'yellow') falseYellows += 1;
    }
    const delays: number[] = [];
    for (const incident of own) {
      for (let offset = 0; offset <= DETECT_WITHIN; offset += 1) {
        if (statusOf(series, addDays(incident.date, offset)) === 'red') {
          delays.push(offset);
          break;
        }
      }
    }
    return { kpiCode: CODES[series.kpi], entityId: series.entity, windowDays: series.window, quietDays, falseReds, falseYellows, trueReds, incidents: own.length, detected: delays.length, delays };
  });
}

function historySql(schema: string): string {
  const rows = SERIES.flatMap((series) => DAYS.map((day) => `('${day}', ${series.kpi}, ${series.entity}, ${series.window}, '${statusOf(series, day)}')`));
  return `
create schema if not exists "${schema}";
create table "${schema}".dim_kpi (kpi_id int, kpi_code text);
insert into "${schema}".dim_kpi values (1, 'SALES'), (2, 'VISITS');
create table "${schema}".dim_entity (entity_id int, parent_entity_id int);
insert into "${schema}".dim_entity values (0, null), (1, 0);
create table "${schema}".kpi_thresholds (as_of_date date, kpi_id int, entity_id int, window_days int, status text);
insert into "${schema}".kpi_thresholds values ${rows.join(',\n')};
create table "${schema}".incidents (happened_on date, entity_id int, kpi_code text, note text);
insert into "${schema}".incidents values ${INCIDENTS.map((incident) => `('${incident.date}', ${incident.entity}, '${incident.kpi}', 'hand-made')`).join(', ')};`;
}

const THRESHOLDS = `backtest:
  labels: incidents
  label_date_column: happened_on
  detect_within_days: ${DETECT_WITHIN}
`;

for (const kind of databaseKinds()) {
  describe(`kpi alerts backtest on ${kind}`, () => {
    let db: TestDatabase;
    let dir: string;
    let options: BacktestOptions;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
      const target = db.target();
      await db.adapter.withConnection((connection) => connection.execute(historySql(target.schema)));
      dir = makeProject({
        'kpi_project.yml': 'name: backtesting\nprofile: backtesting\nthresholds: thresholds.yml\n',
        'thresholds.yml': THRESHOLDS,
        'profiles.yml': profileYaml('backtesting', kind, target.schema),
      });
      options = { projectDir: dir, targetConfig: target, adapter: db.adapter };
    });
    afterAll(async () => {
      removeDir(dir);
      await db.close();
    });

    it('scores each series as an independent computation does', async () => {
      const result = await alertsBacktest(options);
      expect(result.runs.map((run) => run.label)).toEqual(['current']);
      expect(result.detectWithinDays).toBe(DETECT_WITHIN);
      const expected = independentScores();
      const actual = result.runs[0].series;
      expect(actual.map((row) => [row.kpiCode, row.entityId, row.windowDays]).sort()).toEqual(expected.map((row) => [row.kpiCode, row.entityId, row.windowDays]).sort());
      for (const want of expected) {
        const got = actual.find((row) => row.kpiCode === want.kpiCode && row.entityId === want.entityId && row.windowDays === want.windowDays);
        const label = `${want.kpiCode} ${want.entityId} ${want.windowDays}d`;
        expect(got, label).toMatchObject({
          quietDays: want.quietDays,
          falseReds: want.falseReds,
          falseYellows: want.falseYellows,
          trueReds: want.trueReds,
          incidents: want.incidents,
          detected: want.detected,
        });
        expect(got?.recall, label).toBe(want.incidents > 0 ? want.detected / want.incidents : null);
        expect(got?.precision, label).toBe(want.trueReds + want.falseReds > 0 ? want.trueReds / (want.trueReds + want.falseReds) : null);
        expect(got?.meanDaysToDetect, label).toBe(want.delays.length > 0 ? want.delays.reduce((a, b) => a + b, 0) / want.delays.length : null);
        expect(got?.falseRedsPerMonth, label).toBeCloseTo(want.falseReds / (want.quietDays / (365.25 / 12)), 12);
      }
    });

    it('matches the hand-worked figures of the labelled series and the overall sums', async () => {
      const result = await alertsBacktest(options);
      const run = result.runs[0];
      const sales = run.series.find((row) => row.kpiCode === 'SALES' && row.entityId === 1 && row.windowDays === 7);
      // 91 days - 6 grey - 1 expected = 84 scored; minus 6 incident-window days = 78 quiet.
      // Reds on 01-10 and 02-06 detect two incidents (0 and 1 day); 03-03 is two days late: a false Red.
      expect(sales).toMatchObject({ quietDays: 78, falseReds: 3, falseYellows: 1, trueReds: 2, incidents: 3, detected: 2, recall: 2 / 3, precision: 2 / 5, meanDaysToDetect: 0.5 });
      // VISITS has no incidents: its Red on SALES's incident day is neither true nor false.
      expect(run.series.find((row) => row.kpiCode === 'VISITS')).toMatchObject({ falseReds: 1, falseYellows: 1, incidents: 0, recall: null, precision: 0 });
      // ALL: 01-11 is inside the location's incident window, 01-30 is quiet.
      expect(run.series.find((row) => row.kpiCode === 'SALES' && row.entityId === 0)).toMatchObject({ quietDays: 78, falseReds: 1 });
      // 30-day window: 02-07 is two days after 02-05, so false; 01-10 detects the first incident.
      expect(run.series.find((row) => row.kpiCode === 'SALES' && row.windowDays === 30)).toMatchObject({ falseReds: 1, detected: 1, incidents: 3 });
      expect(run.overall).toMatchObject({ quietDays: 4 * 78, falseReds: 3 + 1 + 1 + 1, falseYellows: 2, incidents: 6, detected: 3, recall: 0.5 });
      const salesKpi = run.kpis.find((kpi) => kpi.kpiCode === 'SALES');
      expect(salesKpi?.worstFalseRedsPerMonth).toBeCloseTo(3 / (78 / (365.25 / 12)), 12);
      expect(run.incidents.filter((incident) => incident.windowDays === 7).map((incident) => [incident.date, incident.statusOnDay, incident.daysToDetect])).toEqual([
        ['2024-01-10', 'red', 0],
        ['2024-02-05', 'yellow', 1],
        ['2024-03-01', 'yellow', null],
      ]);
    });

    it('proposes settings within a budget, and says when none fits', async () => {
      const strict = await alertsBacktest({ ...options, budget: 0.5 });
      expect(strict.proposals?.find((proposal) => proposal.kpiCode === 'SALES')?.run).toBeNull();
      expect(strict.proposalYaml).toMatch(/# SALES: no setting tried keeps it under the budget \(best: 1\.17 false Reds a month\)/);
      const loose = await alertsBacktest({ ...options, budget: 2 });
      expect(loose.proposals?.map((proposal) => proposal.run)).toEqual(['current', 'current']);
      expect(loose.proposalYaml).toMatch(/# SALES: the current settings fit/);
      expect(formatBacktest(loose, 'markdown')).toMatch(/\| SALES \| 6 \| 50\.0% \| 37\.5% \|/);
    });

    it('writes target/backtest_results.json on every run: the figures --format json prints, and the worst series', async () => {
      const file = join(dir, 'target', 'backtest_results.json');
      rmSync(file, { force: true });
      const started = Date.now();
      const result = await alertsBacktest({ ...options, budget: 2 });
      const artifact = JSON.parse(readFileSync(file, 'utf8')) as BacktestArtifact;
      const printed = JSON.parse(formatBacktest(result, 'json')) as typeof result;
      expect(artifact.metadata).toMatchObject({ kpi_schema_version: 'kpi/backtest-results/v1', kpi_version: expect.any(String), invocation_id: expect.any(String) });
      expect(Date.parse(artifact.metadata.generated_at)).toBeGreaterThanOrEqual(started - 1000);
      expect(artifact).toMatchObject({ labels: printed.labels, detectWithinDays: DETECT_WITHIN, vary: {}, budget: 2, proposals: printed.proposals });
      expect(artifact.settings).toHaveLength(1);
      expect(artifact.settings[0]).toMatchObject({ label: 'current', current: true, overrides: [], overall: printed.runs[0].overall, kpis: printed.runs[0].kpis });
      // The worst series by false Reds a month, from the independent computation: SALES at the location, 7 days (3 in 78 quiet days).
      const rate = (row: { falseReds: number; quietDays: number }) => row.falseReds / (row.quietDays / (365.25 / 12));
      const worst = independentScores().reduce((a, b) => (rate(b) > rate(a) ? b : a));
      expect(worst).toMatchObject({ kpiCode: 'SALES', entityId: 1, windowDays: 7 });
      expect(artifact.settings[0].worstSeries).toMatchObject({
        kpiCode: worst.kpiCode,
        entityId: worst.entityId,
        windowDays: worst.windowDays,
        falseReds: worst.falseReds,
        quietDays: worst.quietDays,
      });
      expect(artifact.settings[0].worstSeries?.falseRedsPerMonth).toBeCloseTo(rate(worst), 12);
      // A run that fails writes nothing over it.
      await expect(alertsBacktest({ ...options, vary: { k: ['two'] } })).rejects.toThrow(/k must be a number above 0/);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(artifact);
    });

    // The binary opens the profile's database: on the server it is the one the history was
    // written to (an embedded one would be a new, empty database in the project folder).
    if (kind === 'postgres') {
      it('runs from the real binary: json and markdown out, exit 2 on a bad setting', async () => {
        const backtest = (args: string[]) => kpi(['alerts', 'backtest', '--project-dir', dir, '--profiles-dir', dir, ...args]);
        const json = await backtest(['--format', 'json']);
        expect(json.stderr).toBe('');
        expect(json.code).toBe(0);
        const parsed = JSON.parse(json.stdout) as { labels: string; runs: Array<{ label: string; overall: { falseReds: number; incidents: number }; kpis: unknown[] }> };
        expect(parsed.runs[0].overall).toMatchObject({ falseReds: 6, incidents: 6 });
        // The run left its figures in target/: the same as it printed.
        const artifact = JSON.parse(readFileSync(join(dir, 'target', 'backtest_results.json'), 'utf8')) as BacktestArtifact;
        expect(artifact.labels).toBe(parsed.labels);
        expect(artifact.settings.map((setting) => [setting.label, setting.overall, setting.kpis])).toEqual(parsed.runs.map((run) => [run.label, run.overall, run.kpis]));
        const markdown = await backtest(['--format', 'markdown', '--budget', '2']);
        expect(markdown.code).toBe(0);
        expect(markdown.stdout).toMatch(/^\| SALES \| 6 \| 50\.0% \|/m);
        expect(markdown.stdout).toMatch(/```yaml\n# kpi alerts backtest --budget 2/);
        const bad = await backtest(['--k', 'two']);
        expect(bad.code).toBe(2);
        expect(bad.stderr).toMatch(/KPI_USAGE: k must be a number above 0, got 'two'/);
      });
    }

    it('refuses settings it cannot vary, before reading anything', async () => {
      const cases: Array<[Record<string, string[]>, RegExp]> = [
        [{ kk: ['2'] }, /'kk' is not a threshold setting a backtest can vary. Did you mean 'k'\?/],
        [{ k: ['two'] }, /k must be a number above 0/],
        [{ 'policy.red': ['5'] }, /policy.red must be a whole number of signals from 1 to 4/],
        [{ baseline: ['median'] }, /baseline must be one of all_days, without_outliers/],
        [{ pct_change_vs: ['same_weekday_last_yr'] }, /pct_change_vs must be one of .*same_weekday_last_year.*Did you mean 'same_weekday_last_year'\?/],
      ];
      for (const [vary, message] of cases) {
        const error = await alertsBacktest({ ...options, vary }).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(KpiError);
        expect((error as KpiError).code).toBe('KPI_USAGE');
        expect((error as KpiError).message).toMatch(message);
      }
    });
  });
}
