import type { YamlReader } from '../config/yaml-reader.js';
import { describeValue } from '../support/describe-value.js';
import type { KeyPolicy } from '../support/key-policy.js';

/**
 * What `kpi alerts backtest` scores statuses against: a table of labelled incidents (a
 * model or seed name, or schema.table) with a `kpi_code`, an `entity_id` and the date
 * column named here, and how many days after an incident a first Red still detects it.
 */
export interface BacktestSettings {
  labels: string;
  label_date_column: string;
  detect_within_days: number;
}

export const DEFAULT_BACKTEST: BacktestSettings = { labels: 'demo_anomalies', label_date_column: 'anomaly_date', detect_within_days: 2 };

const KEYS: KeyPolicy<keyof BacktestSettings> = { known: ['labels', 'label_date_column', 'detect_within_days'], unknown: 'error' };

/** The `backtest:` section; a bad value is reported at its key and the default kept. */
export function readBacktestSection(reader: YamlReader, value: unknown): BacktestSettings {
  const settings = { ...DEFAULT_BACKTEST };
  if (value === undefined || value === null) return settings;
  const entry = reader.entry(value, ['backtest'], KEYS, 'backtest settings (labels, label_date_column, detect_within_days)');
  for (const key of ['labels', 'label_date_column'] as const) {
    if (!(key in entry)) continue;
    const text = entry[key];
    if (typeof text === 'string' && /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/.test(text)) settings[key] = text;
    else reader.fail(['backtest', key], `must be a ${key === 'labels' ? 'table name (a model or seed, or schema.table)' : 'column name'}, got ${describeValue(text)}`);
  }
  if ('detect_within_days' in entry) {
    const days = entry.detect_within_days;
    if (typeof days === 'number' && Number.isInteger(days) && days >= 0 && days <= 30) settings.detect_within_days = days;
    else reader.fail(['backtest', 'detect_within_days'], `must be a whole number of days from 0 to 30, got ${describeValue(days)}`);
  }
  return settings;
}
