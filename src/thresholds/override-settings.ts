import { closestMatch, KpiError } from '../errors.js';
import { configHash } from './config-hash.js';
import { checkScalarSetting } from './read-settings-layer.js';
import { POLICY_KEYS, SETTING_KEYS, SIGNAL_COUNT, type KpiThresholds, type ThresholdSettings } from './threshold-settings.js';

/** One setting laid over every KPI's resolved settings: `k=2.5`, `policy.red=3`. */
export interface SettingOverride {
  key: string;
  value: number | string | boolean;
}

const OVERRIDABLE = [...SETTING_KEYS.filter((key) => key !== 'warning' && key !== 'critical' && key !== 'policy'), ...POLICY_KEYS.map((key) => `policy.${key}`)];

function typed(text: string): number | string | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  const number = Number(text);
  return text.trim() !== '' && Number.isFinite(number) ? number : text;
}

/**
 * Read `key` = `text` as a setting a backtest may vary, checked as the thresholds file
 * checks it (KPI_USAGE when the key or the value is not one it accepts).
 */
export function parseSettingOverride(key: string, text: string): SettingOverride {
  const value = typed(text);
  if (!OVERRIDABLE.includes(key)) {
    const match = closestMatch(key, OVERRIDABLE);
    throw new KpiError('KPI_USAGE', `'${key}' is not a threshold setting a backtest can vary.${match ? ` Did you mean '${match}'?` : ''}`, { hint: `one of ${OVERRIDABLE.join(', ')}` });
  }
  if (key.startsWith('policy.')) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > SIGNAL_COUNT) {
      throw new KpiError('KPI_USAGE', `${key} must be a whole number of signals from 1 to ${SIGNAL_COUNT}, got '${text}'`);
    }
    return { key, value };
  }
  const problem = checkScalarSetting(key, value);
  if (problem) throw new KpiError('KPI_USAGE', `${key} ${problem}, got '${text}'`);
  return { key, value };
}

/** Every KPI's settings with the overrides laid over them, hashed again (a row names the settings that made it). */
export function overrideKpiThresholds(list: readonly KpiThresholds[], overrides: readonly SettingOverride[]): KpiThresholds[] {
  return list.map(({ kpi_code, config_hash: _hash, ...settings }) => {
    const next: ThresholdSettings = { ...settings, policy: { ...settings.policy } };
    for (const { key, value } of overrides) {
      if (key.startsWith('policy.')) next.policy[key.slice('policy.'.length) as 'red' | 'yellow'] = value as number;
      else (next as unknown as Record<string, unknown>)[key] = value;
    }
    if (next.policy.yellow > next.policy.red) next.policy.yellow = next.policy.red;
    return { kpi_code, ...next, config_hash: configHash(next) };
  });
}
