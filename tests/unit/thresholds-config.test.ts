import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/support/diagnostics.js';
import { parseYaml } from '../../src/config/yaml-file.js';
import { readThresholdsFile } from '../../src/thresholds/read-thresholds-file.js';
import { resolveKpiThresholds } from '../../src/thresholds/resolve-kpi-thresholds.js';
import { DEFAULT_SETTINGS, type KpiThresholds } from '../../src/thresholds/threshold-settings.js';

const FILE = 'config/thresholds.yml';
const CODES = ['TR_WINE', 'TR_FEES', 'TR_TOTAL', 'LEADS'];

function load(text: string | null, options: { target?: string; codes?: string[] | null } = {}) {
  const diagnostics = new Diagnostics();
  const layers = text === null ? null : readThresholdsFile(parseYaml(text, FILE), diagnostics);
  const codes = options.codes === undefined ? CODES : options.codes;
  const list = resolveKpiThresholds({ layers, targetName: options.target ?? 'dev', dimKpi: codes ? { codes, file: 'seeds/dim_kpi.csv' } : null }, diagnostics);
  const byCode = Object.fromEntries(list.map((entry) => [entry.kpi_code, entry])) as Record<string, KpiThresholds>;
  const problems = diagnostics.items.map((item) => ({ severity: item.severity, code: item.code, at: `${item.location?.line}:${item.location?.column}`, message: item.message }));
  return { list, byCode, problems, errors: problems.filter((problem) => problem.severity === 'error') };
}

/** The sha256 of settings, computed here independently: keys sorted at every level. */
function expectedHash(settings: Record<string, unknown>): string {
  const sorted = (value: unknown): unknown =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, sorted((value as Record<string, unknown>)[key])]),
        )
      : value;
  return createHash('sha256')
    .update(JSON.stringify(sorted(settings)))
    .digest('hex');
}

const LAYERED = `defaults:
  k: 2.5
  z_score_lim: 3.5
  policy: {yellow: 1, red: 3}
  warning: {below_pct_of_avg7: 0.85}
targets:
  prod:
    defaults:
      k: 3
      z_score_lim: 5
      min_history: 14
    kpis:
      TR_WINE:
        k: 4
        policy: {red: 2}
kpis:
  TR_WINE:
    k: 1.5
    warning: {below: 80}
  TR_TOTAL:
    z_score_lim: 4
    warning: null
  LEADS:
    mode: static
    warning: {below: 80}
    critical: {below: 50}
`;

describe('threshold configuration: resolution', () => {
  it('gives every dim_kpi code the built-in defaults when the project names no file', () => {
    const { list, problems } = load(null);
    expect(problems).toEqual([]);
    expect(list.map((entry) => entry.kpi_code)).toEqual(CODES);
    const { kpi_code: _code, config_hash, ...settings } = list[0];
    expect(settings).toEqual({
      mode: 'dynamic',
      k: 2,
      z_score_lim: 3,
      percent_drop: 0.5,
      pct_change_vs: 'previous_day',
      seasonality: 'month_day',
      seasonal_periods: 8,
      min_history: 7,
      min_rel_spread: 0.05,
      min_abs_spread: 0,
      min_base: 1,
      exclude_red_from_baseline: false,
      baseline: 'all_days',
      compare_on: 'all_days',
      value_range: 'auto',
      clear_days: 1,
      warning: { below: null, above: null, below_pct_of_avg7: null, above_pct_of_avg7: null },
      critical: { below: null, above: null, below_pct_of_avg7: null, above_pct_of_avg7: null },
      policy: { yellow: 1, red: 2 },
    });
    expect(config_hash).toBe(expectedHash(settings));
  });

  it('lays defaults, target defaults, the KPI override and the target KPI override in that order', () => {
    const dev = load(LAYERED, { target: 'dev' });
    expect(dev.problems).toEqual([]);
    // dev: no target section, so defaults then the KPI overrides.
    expect(dev.byCode.TR_WINE).toMatchObject({ k: 1.5, z_score_lim: 3.5, min_history: 7, policy: { yellow: 1, red: 3 } });
    expect(dev.byCode.TR_FEES).toMatchObject({ k: 2.5, z_score_lim: 3.5 });
    expect(dev.byCode.TR_TOTAL).toMatchObject({ k: 2.5, z_score_lim: 4 });

    const prod = load(LAYERED, { target: 'prod' });
    expect(prod.problems).toEqual([]);
    // The target's KPI override beats the KPI override, which beats the target's defaults.
    expect(prod.byCode.TR_WINE).toMatchObject({ k: 4, z_score_lim: 5, min_history: 14 });
    expect(prod.byCode.TR_FEES).toMatchObject({ k: 3, z_score_lim: 5, min_history: 14 });
    expect(prod.byCode.TR_TOTAL).toMatchObject({ k: 3, z_score_lim: 4, min_history: 14 });
    // policy merges key by key: prod changes Red alone and keeps the defaults' Yellow.
    expect(prod.byCode.TR_WINE.policy).toEqual({ yellow: 1, red: 2 });
    expect(prod.byCode.TR_FEES.policy).toEqual({ yellow: 1, red: 3 });
  });

  it('replaces a bound whole, and null clears it', () => {
    const { byCode } = load(LAYERED);
    // TR_WINE's absolute warning replaces the relative default rather than mixing with it.
    expect(byCode.TR_WINE.warning).toEqual({ below: 80, above: null, below_pct_of_avg7: null, above_pct_of_avg7: null });
    expect(byCode.TR_FEES.warning).toEqual({ below: null, above: null, below_pct_of_avg7: 0.85, above_pct_of_avg7: null });
    expect(byCode.TR_TOTAL.warning).toEqual(DEFAULT_SETTINGS.warning);
    expect(byCode.LEADS).toMatchObject({ mode: 'static', warning: { below: 80 }, critical: { below: 50 } });
  });

  it('hashes the resolved settings: stable, independent of how the file is written, different when a setting differs', () => {
    const { byCode } = load(LAYERED);
    for (const entry of Object.values(byCode)) {
      const { kpi_code: _code, config_hash, ...settings } = entry;
      expect(config_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(config_hash).toBe(expectedHash(settings));
    }
    expect(byCode.TR_WINE.config_hash).not.toBe(byCode.TR_FEES.config_hash);
    // Same values, written in another order and another YAML style.
    const reordered = load('kpis:\n  TR_WINE: {warning: {below: 80}, k: 1.5}\ndefaults: {warning: {below_pct_of_avg7: 0.85}, policy: {red: 3, yellow: 1}, z_score_lim: 3.5, k: 2.5}\n');
    expect(reordered.byCode.TR_WINE.config_hash).toBe(byCode.TR_WINE.config_hash);
    expect(reordered.byCode.TR_FEES.config_hash).toBe(byCode.TR_FEES.config_hash);
    // Two KPIs on identical settings share a hash: it names a configuration, not a KPI.
    expect(load('{}').byCode.TR_FEES.config_hash).toBe(load('{}').byCode.LEADS.config_hash);
  });

  it('without a dim_kpi seed, resolves the codes the file names and warns that they are unchecked', () => {
    const { list, problems } = load(LAYERED, { codes: null });
    expect(list.map((entry) => entry.kpi_code)).toEqual(['TR_WINE', 'TR_TOTAL', 'LEADS']);
    expect(problems).toEqual([{ severity: 'warning', code: 'KPI_THRESHOLDS_INVALID', at: '17:3', message: expect.stringMatching(/no dim_kpi seed/) }]);
  });
});

describe('threshold configuration: validation', () => {
  it('reports every problem of a file in one load, each with its code, line:col and dotted path', () => {
    const text = [
      /*  1 */ 'default:',
      /*  2 */ '  k: 2',
      /*  3 */ 'defaults:',
      /*  4 */ '  k: 0',
      /*  5 */ '  z_score_limit: 3',
      /*  6 */ '  percent_drop: 50',
      /*  7 */ '  min_rel_spread: 1.5',
      /*  8 */ '  min_history: 1',
      /*  9 */ '  mode: dynamc',
      /* 10 */ '  pct_change_vs: yesterday',
      /* 11 */ '  exclude_red_from_baseline: "yes"',
      /* 12 */ '  clear_days: 0',
      /* 13 */ '  min_abs_spread: -1',
      /* 14 */ '  min_base: -0.5',
      /* 15 */ '  policy: {yellow: 0, red: 5, orange: 2}',
      /* 16 */ 'kpis:',
      /* 17 */ '  TR_WNE:',
      /* 18 */ '    k: "2"',
      /* 19 */ '  TR_FEES:',
      /* 20 */ '    warning: {below: 80, below_pct_of_avg7: 0.8}',
      /* 21 */ '    critical: {}',
      /* 22 */ '  TR_TOTAL:',
      /* 23 */ '    warning: {below: 100, above: 50}',
      /* 24 */ '    critical: {blow: 3}',
      /* 25 */ '  LEADS:',
      /* 26 */ '    warning: [80]',
      /* 27 */ '    min_history: 7.5',
      /* 28 */ 'targets:',
      /* 29 */ '  prod: [k]',
      /* 30 */ '  staging:',
      /* 31 */ '    kpi: {}',
      /* 32 */ '    defaults: {critical: {below_pct_of_avg7: 1.2, above_pct_of_avg7: 0}}',
    ].join('\n');
    const { errors } = load(text);
    expect(errors.every((error) => error.code === 'KPI_THRESHOLDS_INVALID')).toBe(true);
    expect(errors.map((error) => [error.at, error.message])).toEqual([
      ['1:1', "unknown key 'default'. Did you mean 'defaults'?"],
      ['5:3', "unknown key 'defaults.z_score_limit'. Did you mean 'z_score_lim'?"],
      ['9:3', "'defaults.mode' must be one of static, dynamic, got \"dynamc\". Did you mean 'dynamic'?"],
      ['4:3', "'defaults.k' must be a number above 0, got 0"],
      ['6:3', "'defaults.percent_drop' must be a fraction above 0 to 1 (0.5 for 50%), got 50"],
      ['10:3', '\'defaults.pct_change_vs\' must be one of previous_day, same_day_last_week, same_weekday_last_year, rolling_mean, got "yesterday"'],
      ['8:3', "'defaults.min_history' must be a whole number of days, at least 2, got 1"],
      ['7:3', "'defaults.min_rel_spread' must be a fraction from 0 to 1 (0.5 for 50%), got 1.5"],
      ['13:3', "'defaults.min_abs_spread' must be a number, at least 0, got -1"],
      ['14:3', "'defaults.min_base' must be a number, at least 0, got -0.5"],
      ['11:3', '\'defaults.exclude_red_from_baseline\' must be true or false, got "yes"'],
      ['12:3', "'defaults.clear_days' must be a whole number of days, at least 1, got 0"],
      ['15:31', "unknown key 'defaults.policy.orange'"],
      ['15:12', "'defaults.policy.yellow' must be a whole number of signals from 1 to 4 (L, U, Z, P), got 0"],
      ['15:23', "'defaults.policy.red' must be a whole number of signals from 1 to 4 (L, U, Z, P), got 5"],
      ['18:5', '\'kpis.TR_WNE.k\' must be a number above 0, got "2"'],
      ['20:5', "'kpis.TR_FEES.warning' mixes absolute (below/above) and relative (below_pct_of_avg7/above_pct_of_avg7) limits; a bound is one or the other"],
      ['21:5', "'kpis.TR_FEES.critical' needs one of below, above, below_pct_of_avg7, above_pct_of_avg7"],
      ['23:5', "'kpis.TR_TOTAL.warning' has its lower limit (100) at or above its upper limit (50), so every value would be outside it"],
      ['24:16', "unknown key 'kpis.TR_TOTAL.critical.blow'. Did you mean 'below'?"],
      ['24:5', "'kpis.TR_TOTAL.critical' needs one of below, above, below_pct_of_avg7, above_pct_of_avg7"],
      ['27:5', "'kpis.LEADS.min_history' must be a whole number of days, at least 2, got 7.5"],
      ['26:5', "'kpis.LEADS.warning' must be a mapping such as {below: 80} or {below_pct_of_avg7: 0.85}, got a list"],
      ['29:3', "'targets.prod' must be a mapping of defaults and kpis, got a list"],
      ['31:5', "unknown key 'targets.staging.kpi'. Did you mean 'kpis'?"],
      ['32:27', "'targets.staging.defaults.critical.below_pct_of_avg7' must be a fraction above 0 to 1 (0.5 for 50%), got 1.2"],
      ['32:51', "'targets.staging.defaults.critical.above_pct_of_avg7' must be a number above 0, got 0"],
      ['17:3', "'kpis.TR_WNE': 'TR_WNE' is not a kpi_code of dim_kpi (seeds/dim_kpi.csv). Did you mean 'TR_WINE'?"],
    ]);
  });

  it('names a section that is not a mapping, and an unknown key with no near miss', () => {
    const { errors } = load('defaults: [k, 2]\nkpis:\n  TR_WINE: 3\nalerts: {}\n');
    expect(errors.map((error) => [error.at, error.message])).toEqual([
      ['4:1', "unknown key 'alerts'"],
      ['1:1', "'defaults' must be a mapping of threshold settings, got a list"],
      ['3:3', "'kpis.TR_WINE' must be a mapping of threshold settings, got 3"],
    ]);
  });

  it('judges keys set in different sections together once merged, at the most specific of them, once for all KPIs it affects', () => {
    const text = [
      /*  1 */ 'defaults:',
      /*  2 */ '  mode: static',
      /*  3 */ '  policy: {yellow: 2, red: 3}',
      /*  4 */ 'kpis:',
      /*  5 */ '  LEADS:',
      /*  6 */ '    warning: {below: 80}',
      /*  7 */ '    critical: {below: 90}',
      /*  8 */ '  TR_WINE:',
      /*  9 */ '    policy: {red: 1}',
      /* 10 */ '    mode: dynamic',
      /* 11 */ '  TR_FEES:',
      /* 12 */ '    warning: {below_pct_of_avg7: 0.7}',
      /* 13 */ '    critical: {below_pct_of_avg7: 0.85, above_pct_of_avg7: 1.5}',
    ].join('\n');
    const { errors } = load(text);
    expect(errors.map((error) => [error.at, error.message])).toEqual([
      ['9:14', "'kpis.TR_WINE.policy.red' makes Yellow need more signals (2) than Red (1) for KPI TR_WINE"],
      ['13:5', "'kpis.TR_FEES.critical': critical.below_pct_of_avg7 (0.85) is above warning.below_pct_of_avg7 (0.7) for KPI TR_FEES, so a value would turn Red before Yellow"],
      ['2:3', "'defaults.mode' is static, but no warning or critical bound applies to KPI TR_TOTAL"],
      ['7:5', "'kpis.LEADS.critical': critical.below (90) is above warning.below (80) for KPI LEADS, so a value would turn Red before Yellow"],
    ]);
    // A static default with no bounds at all is one mistake, reported once for every KPI it leaves without one.
    const many = load('defaults: {mode: static}\n');
    expect(many.errors.map((error) => [error.at, error.message])).toEqual([
      ['1:12', "'defaults.mode' is static, but no warning or critical bound applies to KPIs TR_WINE, TR_FEES, TR_TOTAL and 1 more"],
    ]);
  });
});

describe('seasonality settings', () => {
  it('takes month_day or weekday with a period count, and names a near miss', () => {
    const ok = load('defaults:\n  seasonality: weekday\n  seasonal_periods: 6\n');
    expect(ok.errors).toEqual([]);
    expect(ok.byCode.TR_WINE).toMatchObject({ seasonality: 'weekday', seasonal_periods: 6 });
    const bad = load('defaults:\n  seasonality: weekly\n  seasonal_periods: 1\n');
    expect(bad.errors).toEqual([
      expect.objectContaining({ code: 'KPI_THRESHOLDS_INVALID', at: '2:3', message: expect.stringMatching(/'defaults\.seasonality' must be one of month_day, weekday.*Did you mean 'weekday'\?/) }),
      expect.objectContaining({ code: 'KPI_THRESHOLDS_INVALID', at: '3:3', message: expect.stringMatching(/'defaults\.seasonal_periods' must be a whole number of periods, at least 2/) }),
    ]);
  });

  it('takes same_weekday_last_year as the percent change reference, and names a near miss', () => {
    const ok = load('kpis:\n  LEADS:\n    pct_change_vs: same_weekday_last_year\n');
    expect(ok.errors).toEqual([]);
    expect(ok.byCode.LEADS).toMatchObject({ pct_change_vs: 'same_weekday_last_year' });
    expect(ok.byCode.TR_WINE).toMatchObject({ pct_change_vs: 'previous_day' });
    expect(ok.byCode.LEADS.config_hash).not.toBe(ok.byCode.TR_WINE.config_hash);
    const bad = load('kpis:\n  LEADS:\n    pct_change_vs: same_weekday_last_yr\n');
    expect(bad.errors).toEqual([
      expect.objectContaining({
        code: 'KPI_THRESHOLDS_INVALID',
        at: '3:5',
        message: expect.stringMatching(/'kpis\.LEADS\.pct_change_vs' must be one of .*same_weekday_last_year.*got "same_weekday_last_yr"\. Did you mean 'same_weekday_last_year'\?/),
      }),
    ]);
  });

  it('takes the baseline, compare_on and value_range choices per KPI, and names a near miss', () => {
    const ok = load('kpis:\n  TR_WINE:\n    baseline: without_outliers\n    compare_on: active_days\n    value_range: any\n');
    expect(ok.errors).toEqual([]);
    expect(ok.byCode.TR_WINE).toMatchObject({ baseline: 'without_outliers', compare_on: 'active_days', value_range: 'any' });
    expect(ok.byCode.TR_FEES).toMatchObject({ baseline: 'all_days', compare_on: 'all_days', value_range: 'auto' });
    expect(ok.byCode.TR_WINE.config_hash).not.toBe(ok.byCode.TR_FEES.config_hash);
    const bad = load('defaults:\n  baseline: median\n  compare_on: active_day\n  value_range: non-negative\n');
    expect(bad.errors).toEqual([
      expect.objectContaining({ at: '2:3', message: expect.stringMatching(/'defaults\.baseline' must be one of all_days, without_outliers, got "median"/) }),
      expect.objectContaining({ at: '3:3', message: expect.stringMatching(/'defaults\.compare_on' must be one of all_days, active_days.*Did you mean 'active_days'\?/) }),
      expect.objectContaining({ at: '4:3', message: expect.stringMatching(/'defaults\.value_range' must be one of auto, non_negative, fraction, any.*Did you mean 'non_negative'\?/) }),
    ]);
  });

  it('reads the backtest section, and says what is wrong with it where', () => {
    const diagnostics = new Diagnostics();
    const layers = readThresholdsFile(parseYaml('backtest:\n  labels: ops.incidents\n  label_date_column: happened_on\n  detect_within_days: 0\n', FILE), diagnostics);
    expect(diagnostics.items).toEqual([]);
    expect(layers.backtest).toEqual({ labels: 'ops.incidents', label_date_column: 'happened_on', detect_within_days: 0 });
    const defaults = readThresholdsFile(parseYaml('defaults:\n  k: 2\n', FILE), new Diagnostics());
    expect(defaults.backtest).toEqual({ labels: 'demo_anomalies', label_date_column: 'anomaly_date', detect_within_days: 2 });
    const bad = new Diagnostics();
    readThresholdsFile(parseYaml('backtest:\n  labels: "drop table x"\n  detect_within_days: 1.5\n  detect_within_day: 3\n', FILE), bad);
    expect(bad.items.map((item) => [`${item.location?.line}:${item.location?.column}`, item.message])).toEqual([
      ['4:3', expect.stringMatching(/backtest\.detect_within_day.*Did you mean 'detect_within_days'\?/)],
      ['2:3', expect.stringMatching(/'backtest\.labels' must be a table name \(a model or seed, or schema\.table\), got "drop table x"/)],
      ['3:3', expect.stringMatching(/'backtest\.detect_within_days' must be a whole number of days from 0 to 30, got 1\.5/)],
    ]);
  });
});
