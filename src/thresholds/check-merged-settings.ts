import type { MergedSettings } from './merge-settings.js';
import type { SettingOrigin } from './read-settings-layer.js';
import type { BoundKey } from './threshold-settings.js';

/**
 * A rule broken by the merged settings of one KPI. Keys set in different sections can
 * only be judged together once merged, so the problem is reported at the most specific
 * of the keys involved, and `rule` lets one mistake in `defaults` be reported once
 * rather than once a KPI.
 */
export interface MergedProblem {
  rule: string;
  origin: SettingOrigin | undefined;
  message: (codes: string[]) => string;
}

function mostSpecific(origins: Record<string, SettingOrigin>, keys: string[]): SettingOrigin | undefined {
  return keys
    .map((key) => origins[key])
    .filter((origin): origin is SettingOrigin => origin !== undefined)
    .sort((a, b) => b.rank - a.rank)[0];
}

function forKpis(codes: string[]): string {
  return codes.length === 1 ? `KPI ${codes[0]}` : `KPIs ${codes.slice(0, 3).join(', ')}${codes.length > 3 ? ` and ${codes.length - 3} more` : ''}`;
}

/** Critical must be the stricter bound: crossing it before warning would skip Yellow. */
const ORDER: Array<{ key: BoundKey; stricter: 'lower' | 'higher' }> = [
  { key: 'below', stricter: 'lower' },
  { key: 'above', stricter: 'higher' },
  { key: 'below_pct_of_avg7', stricter: 'lower' },
  { key: 'above_pct_of_avg7', stricter: 'higher' },
];

export function checkMergedSettings({ settings, origins }: MergedSettings): MergedProblem[] {
  const problems: MergedProblem[] = [];
  const { warning, critical, policy } = settings;
  const hasBound = (bound: typeof warning) => Object.values(bound).some((value) => value !== null);
  if (settings.mode === 'static' && !hasBound(warning) && !hasBound(critical)) {
    const origin = origins.mode;
    problems.push({
      rule: 'static-without-bounds',
      origin,
      message: (codes) => `'${origin?.path ?? 'mode'}' is static, but no warning or critical bound applies to ${forKpis(codes)}`,
    });
  }
  if (policy.yellow > policy.red) {
    const origin = mostSpecific(origins, ['policy.yellow', 'policy.red']);
    problems.push({
      rule: 'policy-order',
      origin,
      message: (codes) => `'${origin?.path ?? 'policy'}' makes Yellow need more signals (${policy.yellow}) than Red (${policy.red}) for ${forKpis(codes)}`,
    });
  }
  for (const { key, stricter } of ORDER) {
    const [soft, hard] = [warning[key], critical[key]];
    if (soft === null || hard === null) continue;
    if (stricter === 'lower' ? hard <= soft : hard >= soft) continue;
    const origin = mostSpecific(origins, ['critical', 'warning']);
    problems.push({
      rule: `bound-order-${key}`,
      origin,
      message: (codes) =>
        `'${origin?.path ?? 'critical'}': critical.${key} (${hard}) is ${stricter === 'lower' ? 'above' : 'below'} warning.${key} (${soft}) for ${forKpis(codes)}, so a value would turn Red before Yellow`,
    });
  }
  return problems;
}
