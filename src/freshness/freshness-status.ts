import type { FreshnessConfig, FreshnessRule } from '../manifest/types.js';

export type FreshnessStatus = 'pass' | 'warn' | 'error';

const PERIOD_SECONDS: Record<FreshnessRule['period'], number> = { minute: 60, hour: 3600, day: 86400 };

/** Whether data `ageSeconds` old breaks a rule; a rule missing its count or period never fires, as in dbt. */
export function ruleExceeded(rule: FreshnessRule | null | undefined, ageSeconds: number): boolean {
  if (!rule || !rule.count || !rule.period) return false;
  return ageSeconds > rule.count * PERIOD_SECONDS[rule.period];
}

/** dbt's verdict: past `error_after` is an error, else past `warn_after` a warning, else a pass. */
export function freshnessStatus(criteria: FreshnessConfig, ageSeconds: number): FreshnessStatus {
  if (ruleExceeded(criteria.error_after, ageSeconds)) return 'error';
  if (ruleExceeded(criteria.warn_after, ageSeconds)) return 'warn';
  return 'pass';
}

/** Whether a source has anything to check: a rule with a count and a period. */
export function hasFreshnessRules(criteria: FreshnessConfig | null): criteria is FreshnessConfig {
  const complete = (rule: FreshnessRule | null | undefined) => Boolean(rule?.count && rule.period);
  return criteria !== null && (complete(criteria.warn_after) || complete(criteria.error_after));
}
