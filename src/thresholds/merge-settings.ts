import type { SettingOrigin, SettingsLayer } from './read-settings-layer.js';
import { DEFAULT_SETTINGS, type ThresholdSettings } from './threshold-settings.js';

export interface MergedSettings {
  settings: ThresholdSettings;
  /** Where each key's value was written; built-in defaults have none. */
  origins: Record<string, SettingOrigin>;
}

/**
 * Lay `layers` (lowest precedence first) over the built-in defaults. A later layer's key
 * replaces the earlier one; `policy` merges key by key, so an override can change Red alone.
 */
export function mergeSettings(layers: readonly SettingsLayer[]): MergedSettings {
  const settings: ThresholdSettings = { ...DEFAULT_SETTINGS, policy: { ...DEFAULT_SETTINGS.policy } };
  const origins: Record<string, SettingOrigin> = {};
  for (const layer of layers) {
    const { policy, ...rest } = layer.values;
    Object.assign(settings, rest);
    if (policy) settings.policy = { ...settings.policy, ...policy };
    Object.assign(origins, layer.origins);
  }
  return { settings, origins };
}
