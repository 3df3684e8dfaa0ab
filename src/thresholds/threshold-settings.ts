/**
 * The settings one KPI's thresholds and status are computed with (DESIGN §3, "Dynamic
 * thresholds"), their defaults, and the keys the thresholds file may use.
 */

export const MODES = ['static', 'dynamic'] as const;
export type ThresholdMode = (typeof MODES)[number];

/**
 * What `pct_change` compares today's value with. `same_weekday_last_year` is the day 364
 * days back (52 weeks: a Friday meets a Friday, Black Friday meets last Black Friday), so a
 * seasonal step (the January after a December peak) is no change.
 */
export const PCT_CHANGE_REFERENCES = ['previous_day', 'same_day_last_week', 'same_weekday_last_year', 'rolling_mean'] as const;
export type PctChangeReference = (typeof PCT_CHANGE_REFERENCES)[number];

/** What the seasonal z-score compares with: the same month-day in earlier years, or the same weekday in earlier weeks. */
export const SEASONALITIES = ['month_day', 'weekday'] as const;
export type Seasonality = (typeof SEASONALITIES)[number];

/**
 * The values a KPI can take, so its bounds never leave them: `auto` reads dim_kpi's format
 * (percent → a fraction in [0, 1], anything else → non-negative); `any` for a KPI that can
 * go below zero (net adds).
 */
export const VALUE_RANGES = ['auto', 'non_negative', 'fraction', 'any'] as const;
export type ValueRange = (typeof VALUE_RANGES)[number];

/**
 * What a rolling baseline learns from: every learnable day, or (`without_outliers`) those
 * a first pass found inside its own bounds, so a spike does not inflate the days after it.
 */
export const BASELINES = ['all_days', 'without_outliers'] as const;
export type Baseline = (typeof BASELINES)[number];

/** Which days are compared: all, or (`active_days`, for series that are zero on most days) the non-zero ones. */
export const COMPARE_ON = ['all_days', 'active_days'] as const;
export type CompareOn = (typeof COMPARE_ON)[number];

/**
 * A static bound: absolute (`below: 80`) or relative to the 7-day average
 * (`below_pct_of_avg7: 0.85`). Every key is present; null means not set.
 */
export interface StaticBound {
  below: number | null;
  above: number | null;
  below_pct_of_avg7: number | null;
  above_pct_of_avg7: number | null;
}

export const BOUND_KEYS = ['below', 'above', 'below_pct_of_avg7', 'above_pct_of_avg7'] as const;
export type BoundKey = (typeof BOUND_KEYS)[number];

/** Dynamic mode: how many counted signals (L, U, Z, P) make a KPI Yellow and Red. */
export interface StatusPolicy {
  yellow: number;
  red: number;
}

export const POLICY_KEYS = ['yellow', 'red'] as const;

/** There are four signals (L, U, Z, P); a policy needing more could never fire. */
export const SIGNAL_COUNT = 4;

export interface ThresholdSettings {
  mode: ThresholdMode;
  k: number;
  z_score_lim: number;
  percent_drop: number;
  pct_change_vs: PctChangeReference;
  seasonality: Seasonality;
  /** How many earlier years (month_day) or weeks (weekday) the seasonal statistics use. */
  seasonal_periods: number;
  min_history: number;
  min_rel_spread: number;
  min_abs_spread: number;
  min_base: number;
  exclude_red_from_baseline: boolean;
  baseline: Baseline;
  compare_on: CompareOn;
  value_range: ValueRange;
  clear_days: number;
  warning: StaticBound;
  critical: StaticBound;
  policy: StatusPolicy;
}

export type SettingKey = keyof ThresholdSettings;

/** One KPI's resolved settings, as templates see them in `kpi_thresholds`. */
export interface KpiThresholds extends ThresholdSettings {
  kpi_code: string;
  /** sha256 of the resolved settings: a serving row names the configuration that produced it. */
  config_hash: string;
}

export const NO_BOUND: StaticBound = { below: null, above: null, below_pct_of_avg7: null, above_pct_of_avg7: null };

export const DEFAULT_SETTINGS: ThresholdSettings = {
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
  warning: NO_BOUND,
  critical: NO_BOUND,
  policy: { yellow: 1, red: 2 },
};

export const SETTING_KEYS = Object.keys(DEFAULT_SETTINGS) as SettingKey[];
