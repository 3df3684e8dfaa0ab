/** Source freshness as property files declare it (`freshness:` or `config: freshness:`), checked and merged as dbt does. */
import type { YamlPath } from '../config/yaml-file.js';
import type { YamlReader } from '../config/yaml-reader.js';
import { closestMatch } from '../errors.js';
import type { FreshnessConfig, FreshnessRule } from '../manifest/types.js';
import { describeValue } from '../support/describe-value.js';
import { isPlainObject } from '../support/is-plain-object.js';
import type { KeyPolicy } from '../support/key-policy.js';

const FRESHNESS_KEYS: KeyPolicy = { known: ['warn_after', 'error_after', 'filter'], unknown: 'warn' };
const FRESHNESS_RULE_KEYS: KeyPolicy = { known: ['count', 'period'], unknown: 'warn' };
const FRESHNESS_PERIODS = ['minute', 'hour', 'day'];

/** A `warn_after`/`error_after` rule, checked: a whole count above zero and a period dbt knows. */
function readFreshnessRule(reader: YamlReader, path: YamlPath, value: unknown): FreshnessRule | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (!isPlainObject(value)) {
    reader.fail(path, `must be a freshness rule {count: N, period: minute|hour|day}, got ${describeValue(value)}`);
    return undefined;
  }
  reader.checkKeys(value, FRESHNESS_RULE_KEYS, path);
  const rule: Partial<FreshnessRule> = {};
  if (value.count !== undefined && value.count !== null) {
    if (typeof value.count !== 'number' || !Number.isInteger(value.count) || value.count <= 0) {
      reader.fail([...path, 'count'], `must be a whole number above 0, got ${describeValue(value.count)}`);
    } else rule.count = value.count;
  }
  if (value.period !== undefined && value.period !== null) {
    if (typeof value.period !== 'string' || !FRESHNESS_PERIODS.includes(value.period)) {
      const match = typeof value.period === 'string' ? closestMatch(value.period, FRESHNESS_PERIODS) : undefined;
      reader.failAt(reader.locate([...path, 'period']), `${reader.subject(path)} period must be minute, hour or day, not ${JSON.stringify(value.period)}.${match ? ` Did you mean '${match}'?` : ''}`);
    } else rule.period = value.period as FreshnessRule['period'];
  }
  return rule as FreshnessRule;
}

/** A `freshness:` block (or `config: freshness:`, dbt 1.9+) as written: null turns freshness off. */
export function readFreshness(reader: YamlReader, path: YamlPath, entry: Record<string, unknown>): FreshnessConfig | null | undefined {
  const config = isPlainObject(entry.config) ? entry.config : {};
  const [value, valuePath] = entry.freshness !== undefined ? [entry.freshness, [...path, 'freshness']] : [config.freshness, [...path, 'config', 'freshness']];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (!isPlainObject(value)) {
    reader.fail(valuePath, `must be a mapping of warn_after, error_after and filter, got ${describeValue(value)}`);
    return undefined;
  }
  reader.checkKeys(value, FRESHNESS_KEYS, valuePath);
  const freshness: FreshnessConfig = {};
  const warn = readFreshnessRule(reader, [...valuePath, 'warn_after'], value.warn_after);
  const error = readFreshnessRule(reader, [...valuePath, 'error_after'], value.error_after);
  if (warn !== undefined) freshness.warn_after = warn;
  if (error !== undefined) freshness.error_after = error;
  if (value.filter !== undefined) freshness.filter = typeof value.filter === 'string' ? value.filter : null;
  return freshness;
}

/** A table's freshness over its source's, as dbt merges them: key by key, and one level into each rule. */
export function mergeFreshness(base: FreshnessConfig | null | undefined, update: FreshnessConfig | null | undefined): FreshnessConfig | null {
  if (update === null) return null;
  if (!base) return update ?? null;
  if (!update) return base;
  const rule = (a: FreshnessRule | null | undefined, b: FreshnessRule | null | undefined) => (b === null ? null : a && b ? { ...a, ...b } : (b ?? a ?? null));
  return {
    warn_after: rule(base.warn_after, update.warn_after),
    error_after: rule(base.error_after, update.error_after),
    filter: update.filter !== undefined ? update.filter : (base.filter ?? null),
  };
}
