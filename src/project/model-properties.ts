import type { YamlPath } from '../config/yaml-file.js';
import type { YamlReader } from '../config/yaml-reader.js';
import type { SourceLocation } from '../errors.js';
import type { TimeSpine } from '../manifest/types.js';
import { describeValue } from '../support/describe-value.js';
import { isPlainObject } from '../support/is-plain-object.js';
import type { KeyPolicy } from '../support/key-policy.js';

const LIFTED = ['access', 'group'] as const;
const TIME_SPINE_KEYS: KeyPolicy = { known: ['standard_granularity_column', 'custom_granularities'], unknown: 'warn', noun: 'property' };
const GRANULARITY_KEYS: KeyPolicy = { known: ['name', 'column_name'], unknown: 'warn', noun: 'property' };

/**
 * `access:` and `group:` written beside `config:` (dbt before 1.10) are configs of the entry,
 * as dbt reads them; `config:` wins when both say. Returns where each config key was written.
 */
export function liftAccessProperties(reader: YamlReader, entry: Record<string, unknown>, path: YamlPath, config: Record<string, unknown>): (key: string) => SourceLocation {
  const lifted = new Set<string>();
  for (const key of LIFTED) {
    if (entry[key] === undefined || key in config) continue;
    config[key] = entry[key];
    lifted.add(key);
  }
  return (key) => reader.locate(lifted.has(key) ? [...path, key] : [...path, 'config', key]);
}

/** A model's `time_spine:` (dbt 1.9, MetricFlow): the column of its standard grain, and custom grains. */
export function readTimeSpine(reader: YamlReader, value: unknown, path: YamlPath): TimeSpine | null {
  if (value === undefined || value === null) return null;
  if (!isPlainObject(value)) return reader.fail(path, `must be a mapping with standard_granularity_column, got ${describeValue(value)}`);
  reader.checkKeys(value, TIME_SPINE_KEYS, path);
  if (typeof value.standard_granularity_column !== 'string' || !value.standard_granularity_column)
    return reader.fail(path, "needs standard_granularity_column: the column of the time spine's standard grain");
  const custom = reader.list(value.custom_granularities, [...path, 'custom_granularities'], 'granularities with a name').flatMap((item, index) => {
    const itemPath = [...path, 'custom_granularities', index];
    if (!isPlainObject(item) || typeof item.name !== 'string') {
      reader.fail(itemPath, 'must be a mapping with a name');
      return [];
    }
    reader.checkKeys(item, GRANULARITY_KEYS, itemPath);
    return [{ name: item.name, column_name: typeof item.column_name === 'string' ? item.column_name : null }];
  });
  return { standard_granularity_column: value.standard_granularity_column, custom_granularities: custom };
}
