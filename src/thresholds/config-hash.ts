import { sha256 } from '../project/checksum.js';
import type { ThresholdSettings } from './threshold-settings.js';

/** JSON with keys sorted at every level, so the same settings always hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * sha256 of one KPI's resolved settings. The KPI code is left out: the hash names a
 * configuration, and it changes exactly when a setting that produced a status does.
 */
export function configHash(settings: ThresholdSettings): string {
  return sha256(canonical(settings));
}
