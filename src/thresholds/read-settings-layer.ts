import { formatYamlPath, type YamlPath } from '../config/yaml-file.js';
import type { YamlReader } from '../config/yaml-reader.js';
import { closestMatch, type SourceLocation } from '../errors.js';
import { describeValue } from '../support/describe-value.js';
import { isPlainObject } from '../support/is-plain-object.js';
import type { KeyPolicy } from '../support/key-policy.js';
import {
  BASELINES,
  BOUND_KEYS,
  COMPARE_ON,
  MODES,
  VALUE_RANGES,
  PCT_CHANGE_REFERENCES,
  POLICY_KEYS,
  SEASONALITIES,
  SETTING_KEYS,
  SIGNAL_COUNT,
  type StaticBound,
  type StatusPolicy,
  type ThresholdSettings,
} from './threshold-settings.js';

/** Where a setting was written, for errors found only once layers are merged. */
export interface SettingOrigin {
  path: string;
  location: SourceLocation;
  /** Precedence of the layer it came from: a later layer wins (see resolveKpiThresholds). */
  rank: number;
}

/** The settings one section of the file sets (`defaults:`, `kpis.X:`, `targets.prod.defaults:`...). */
export interface SettingsLayer {
  values: Partial<Omit<ThresholdSettings, 'policy'>> & { policy?: Partial<StatusPolicy> };
  /** By key; `policy.yellow` and `policy.red` each have their own, as they merge key by key. */
  origins: Record<string, SettingOrigin>;
}

type Check = (value: unknown) => string | null;

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

const above =
  (min: number): Check =>
  (value) =>
    isNumber(value) && value > min ? null : `must be a number above ${min}`;
const atLeast =
  (min: number): Check =>
  (value) =>
    isNumber(value) && value >= min ? null : `must be a number, at least ${min}`;
const wholeAtLeast =
  (min: number, unit: string): Check =>
  (value) =>
    isNumber(value) && Number.isInteger(value) && value >= min ? null : `must be a whole number of ${unit}, at least ${min}`;
/** Fractions are written as fractions: 0.5 for 50 %, so 50 is a mistake worth naming. */
const fraction =
  (allowZero: boolean): Check =>
  (value) =>
    isNumber(value) && (allowZero ? value >= 0 : value > 0) && value <= 1 ? null : `must be a fraction ${allowZero ? 'from 0' : 'above 0'} to 1 (0.5 for 50%)`;
const oneOf =
  (choices: readonly string[]): Check =>
  (value) =>
    typeof value === 'string' && choices.includes(value) ? null : `must be one of ${choices.join(', ')}`;
const boolean: Check = (value) => (typeof value === 'boolean' ? null : 'must be true or false');

const SCALAR_CHECKS: Record<Exclude<keyof ThresholdSettings, 'warning' | 'critical' | 'policy'>, Check> = {
  mode: oneOf(MODES),
  k: above(0),
  z_score_lim: above(0),
  percent_drop: fraction(false),
  pct_change_vs: oneOf(PCT_CHANGE_REFERENCES),
  seasonality: oneOf(SEASONALITIES),
  // A seasonal standard deviation needs two earlier periods.
  seasonal_periods: wholeAtLeast(2, 'periods'),
  // A standard deviation needs two points; fewer days than that can only ever be grey.
  min_history: wholeAtLeast(2, 'days'),
  min_rel_spread: fraction(true),
  min_abs_spread: atLeast(0),
  min_base: atLeast(0),
  exclude_red_from_baseline: boolean,
  baseline: oneOf(BASELINES),
  compare_on: oneOf(COMPARE_ON),
  value_range: oneOf(VALUE_RANGES),
  clear_days: wholeAtLeast(1, 'days'),
};

/** What is wrong with `value` for the scalar setting `key` (null: fine; undefined: no such scalar setting). */
export function checkScalarSetting(key: string, value: unknown): string | null | undefined {
  const check = (SCALAR_CHECKS as Record<string, Check | undefined>)[key];
  if (check === undefined) return undefined;
  const problem = check(value);
  return problem === null ? null : `${problem}${suggestion(key, value)}`;
}

/** For the keys that take a word, the near miss a misspelt value was probably meant as. */
const CHOICES: Record<string, readonly string[]> = {
  mode: MODES,
  pct_change_vs: PCT_CHANGE_REFERENCES,
  seasonality: SEASONALITIES,
  baseline: BASELINES,
  compare_on: COMPARE_ON,
  value_range: VALUE_RANGES,
};

function suggestion(key: string, value: unknown): string {
  const match = typeof value === 'string' && CHOICES[key] ? closestMatch(value, CHOICES[key]) : undefined;
  return match ? `. Did you mean '${match}'?` : '';
}

const BOUND_CHECKS: Record<keyof StaticBound, Check> = {
  below: (value) => (isNumber(value) ? null : 'must be a number'),
  above: (value) => (isNumber(value) ? null : 'must be a number'),
  below_pct_of_avg7: fraction(false),
  above_pct_of_avg7: above(0),
};

const SETTINGS_POLICY: KeyPolicy = { known: SETTING_KEYS, unknown: 'error' };
const POLICY_POLICY: KeyPolicy = { known: POLICY_KEYS, unknown: 'error' };
const BOUND_POLICY: KeyPolicy = { known: BOUND_KEYS, unknown: 'error' };

const POLICY_CHECK = (value: unknown): string | null =>
  isNumber(value) && Number.isInteger(value) && value >= 1 && value <= SIGNAL_COUNT ? null : `must be a whole number of signals from 1 to ${SIGNAL_COUNT} (L, U, Z, P)`;

/**
 * Read one settings mapping. Values that fail their check are reported and left out, so
 * resolution falls back to the layer below and later checks do not report them twice.
 */
export function readSettingsLayer(reader: YamlReader, value: unknown, path: YamlPath, rank: number): SettingsLayer {
  const layer: SettingsLayer = { values: {}, origins: {} };
  const entry = reader.entry(value, path, SETTINGS_POLICY, 'threshold settings');
  const values = layer.values as Record<string, unknown>;
  const origin = (keys: string[]): SettingOrigin => ({ path: formatYamlPath([...path, ...keys]), location: reader.locate([...path, ...keys]), rank });
  const report = (keys: string[], problem: string, got: unknown) => reader.fail([...path, ...keys], `${problem}, got ${describeValue(got)}${suggestion(keys[keys.length - 1], got)}`);

  for (const [key, check] of Object.entries(SCALAR_CHECKS)) {
    if (!(key in entry)) continue;
    const problem = check(entry[key]);
    if (problem) {
      report([key], problem, entry[key]);
      continue;
    }
    values[key] = entry[key];
    layer.origins[key] = origin([key]);
  }
  for (const key of ['warning', 'critical'] as const) {
    if (!(key in entry)) continue;
    const bound = readBound(reader, entry[key], [...path, key]);
    if (bound === undefined) continue;
    values[key] = bound;
    layer.origins[key] = origin([key]);
  }
  if ('policy' in entry) {
    const policy = reader.entry(entry.policy, [...path, 'policy'], POLICY_POLICY, 'signal counts');
    const read: Partial<StatusPolicy> = {};
    for (const key of POLICY_KEYS) {
      if (!(key in policy)) continue;
      const problem = POLICY_CHECK(policy[key]);
      if (problem) {
        report(['policy', key], problem, policy[key]);
        continue;
      }
      read[key] = policy[key] as number;
      layer.origins[`policy.${key}`] = origin(['policy', key]);
    }
    layer.values.policy = read;
  }
  return layer;
}

/**
 * A bound replaces the one below it whole (a KPI's `warning` is one rule, not a mix of
 * its keys and the defaults'); `null` clears it. Undefined when the bound is unusable.
 */
function readBound(reader: YamlReader, value: unknown, path: YamlPath): StaticBound | undefined {
  const bound: StaticBound = { below: null, above: null, below_pct_of_avg7: null, above_pct_of_avg7: null };
  if (value === null) return bound;
  if (!isPlainObject(value)) {
    reader.fail(path, `must be a mapping such as {below: 80} or {below_pct_of_avg7: 0.85}, got ${describeValue(value)}`);
    return undefined;
  }
  reader.checkKeys(value, BOUND_POLICY, path);
  let valid = true;
  for (const key of BOUND_KEYS) {
    if (!(key in value)) continue;
    const problem = BOUND_CHECKS[key](value[key]);
    if (problem) {
      reader.fail([...path, key], `${problem}, got ${describeValue(value[key])}`);
      valid = false;
    } else bound[key] = value[key] as number;
  }
  if (!valid) return undefined;
  const absolute = bound.below !== null || bound.above !== null;
  const relative = bound.below_pct_of_avg7 !== null || bound.above_pct_of_avg7 !== null;
  if (!absolute && !relative) {
    reader.fail(path, `needs one of ${BOUND_KEYS.join(', ')}`, 'write null to clear a bound set in defaults');
    return undefined;
  }
  if (absolute && relative) {
    reader.fail(path, 'mixes absolute (below/above) and relative (below_pct_of_avg7/above_pct_of_avg7) limits; a bound is one or the other');
    return undefined;
  }
  const [low, high] = absolute ? [bound.below, bound.above] : [bound.below_pct_of_avg7, bound.above_pct_of_avg7];
  if (low !== null && high !== null && low >= high) {
    reader.fail(path, `has its lower limit (${low}) at or above its upper limit (${high}), so every value would be outside it`);
    return undefined;
  }
  return bound;
}
