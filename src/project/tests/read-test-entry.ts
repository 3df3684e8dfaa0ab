import { KpiError, type SourceLocation } from '../../errors.js';
import { isPlainObject } from '../../support/is-plain-object.js';

/** One `tests:`/`data_tests:` entry from YAML, taken apart as dbt's TestBuilder does. */
export interface TestEntry {
  /** `unique`, `accepted_values`, or a custom test's name. */
  name: string;
  /** `dbt_utils` in `dbt_utils.expression_is_true`. */
  namespace: string | null;
  /** Keyword arguments for the test macro (without `model`, which is added later). */
  args: Record<string, unknown>;
  /** Configs given on the entry, top-level or under `config:`. */
  config: Record<string, unknown>;
  /** A name the user gave the test (`name:`), replacing the synthesized one. */
  customName: string | null;
  description: string;
}

/** Keys dbt accepts at the top level of a test entry as configs rather than arguments. */
export const TEST_ENTRY_CONFIG_KEYS = [
  'severity',
  'tags',
  'enabled',
  'where',
  'limit',
  'warn_if',
  'error_if',
  'fail_calc',
  'store_failures',
  'store_failures_as',
  'meta',
  'database',
  'schema',
  'alias',
];

const TEST_NAME = /^(?:([A-Za-z_][0-9A-Za-z_]*)\.)?([A-Za-z_][0-9A-Za-z_]*)$/;

/**
 * `unique`, `{accepted_values: {values: [...]}}`, `{name: x, test_name: unique}`, with the
 * test's arguments at the top level or (dbt 1.10) under `arguments:`, and its configs at the
 * top level or under `config:`.
 */
export function readTestEntry(spec: unknown, columnName: string | null, location: SourceLocation): TestEntry {
  const invalid = (message: string, hint?: string) => new KpiError('KPI_TEST_INVALID', message, { location, hint });
  let testName: unknown;
  let rawArgs: unknown;
  if (typeof spec === 'string') {
    testName = spec;
    rawArgs = {};
  } else if (isPlainObject(spec) && 'test_name' in spec) {
    const { test_name: name, ...rest } = spec;
    testName = name;
    rawArgs = rest;
  } else if (isPlainObject(spec)) {
    const keys = Object.keys(spec);
    if (keys.length !== 1) {
      throw invalid(`a test entry must have exactly one key, the test's name; this one has ${keys.length} (${keys.join(', ')})`, 'indent the arguments under the test name');
    }
    testName = keys[0];
    rawArgs = spec[keys[0]] ?? {};
  } else {
    throw invalid(`a test must be a name or a mapping of a name to its arguments, not ${JSON.stringify(spec)}`);
  }
  if (typeof testName !== 'string') throw invalid(`a test's name must be text, not ${JSON.stringify(testName)}`);
  const match = TEST_NAME.exec(testName);
  if (!match) throw invalid(`'${testName}' is not a test name (letters, digits and underscores, optionally package.name)`);
  if (!isPlainObject(rawArgs)) throw invalid(`the arguments of test '${testName}' must be a mapping, not ${JSON.stringify(rawArgs)}`);

  const args: Record<string, unknown> = structuredClone(rawArgs);
  if (args.config !== undefined && args.config !== null && !isPlainObject(args.config))
    throw invalid(`'config' of test '${testName}' must be a mapping of configs, not ${JSON.stringify(args.config)}`);
  const nested = isPlainObject(args.config) ? { ...args.config } : {};
  delete args.config;
  if (args.arguments !== undefined) {
    if (!isPlainObject(args.arguments)) throw invalid(`'arguments' of test '${testName}' must be a mapping`);
    const { arguments: nestedArgs, ...rest } = args;
    for (const key of Object.keys(nestedArgs as object)) {
      if (key in rest) throw invalid(`test '${testName}' gives '${key}' both at the top level and under 'arguments'`);
    }
    Object.assign(args, nestedArgs);
    delete args.arguments;
  }
  if ('model' in args) throw invalid(`test '${testName}' has an argument named 'model', which is reserved for the tested relation`);

  const config: Record<string, unknown> = {};
  for (const key of TEST_ENTRY_CONFIG_KEYS) {
    if (!(key in args)) continue;
    if (key in nested) throw invalid(`test '${testName}' sets '${key}' both at the top level and under 'config'`);
    if (args[key] !== null && args[key] !== undefined) config[key] = args[key];
    delete args[key];
  }
  for (const [key, value] of Object.entries(nested)) if (value !== null && value !== undefined) config[key] = value;

  const customName = typeof args.name === 'string' ? args.name : null;
  delete args.name;
  const description = typeof args.description === 'string' ? args.description : '';
  delete args.description;
  if (columnName !== null) args.column_name = columnName;
  return { name: match[2], namespace: match[1] ?? null, args, config, customName, description };
}
