import type { Diagnostics } from '../../support/diagnostics.js';
import type { SourceLocation } from '../../errors.js';
import { finalizeConfig } from '../node-config.js';
import type { NodeConfig } from '../../manifest/types.js';

/** A test's config with dbt's defaults filled in. */
export interface TestConfig extends NodeConfig {
  severity: 'ERROR' | 'WARN';
  warn_if: string;
  error_if: string;
  fail_calc: string;
  where: string | null;
  limit: number | null;
  store_failures: boolean | null;
  store_failures_as: 'table' | 'view' | 'ephemeral' | null;
}

/** dbt's test defaults: failing rows are counted, any failure fails, failures go to `<schema>_dbt_test__audit` when stored. */
export const TEST_DEFAULTS = {
  severity: 'ERROR',
  warn_if: '!= 0',
  error_if: '!= 0',
  fail_calc: 'count(*)',
  where: null,
  limit: null,
  store_failures: null,
  store_failures_as: null,
  schema: 'dbt_test__audit',
} as const;

const STORE_AS = ['table', 'view', 'ephemeral'];

/**
 * Fill in defaults and check the values a test's config may hold; a bad value is an error
 * at `location` and falls back to the default, so every problem in a file is reported at once.
 */
export function finalizeTestConfig(merged: Record<string, unknown>, name: string, diagnostics: Diagnostics, location: SourceLocation): TestConfig {
  const base = finalizeConfig('test', { ...TEST_DEFAULTS, ...merged, materialized: 'test' });
  const problem = (message: string, hint?: string) => diagnostics.error('KPI_TEST_INVALID', `test '${name}': ${message}`, location, hint);

  const severity = String(base.severity).toUpperCase();
  if (severity !== 'ERROR' && severity !== 'WARN') problem(`severity must be 'error' or 'warn', not '${String(base.severity)}'`);
  for (const key of ['warn_if', 'error_if', 'fail_calc'] as const) {
    if (typeof base[key] !== 'string' || !String(base[key]).trim()) problem(`${key} must be a SQL condition or expression, like '!= 0' or '> 10'`);
  }
  let limit: number | null = null;
  if (base.limit !== null && base.limit !== undefined) {
    limit = Number(base.limit);
    if (!Number.isInteger(limit) || limit < 0) {
      problem(`limit must be a whole number, not '${String(base.limit)}'`);
      limit = null;
    }
  }
  const storeAs = base.store_failures_as === null || base.store_failures_as === undefined ? null : String(base.store_failures_as);
  if (storeAs !== null && !STORE_AS.includes(storeAs)) problem(`store_failures_as must be one of ${STORE_AS.join(', ')}, not '${storeAs}'`);
  return {
    ...base,
    severity: severity === 'WARN' ? 'WARN' : 'ERROR',
    warn_if: typeof base.warn_if === 'string' && base.warn_if.trim() ? base.warn_if : TEST_DEFAULTS.warn_if,
    error_if: typeof base.error_if === 'string' && base.error_if.trim() ? base.error_if : TEST_DEFAULTS.error_if,
    fail_calc: typeof base.fail_calc === 'string' && base.fail_calc.trim() ? base.fail_calc : TEST_DEFAULTS.fail_calc,
    where: typeof base.where === 'string' && base.where.trim() ? base.where : null,
    limit,
    store_failures: base.store_failures === null || base.store_failures === undefined ? null : Boolean(base.store_failures),
    store_failures_as: storeAs !== null && STORE_AS.includes(storeAs) ? (storeAs as TestConfig['store_failures_as']) : null,
  };
}

/**
 * Whether failing rows are kept, as dbt 1.7 decides: `store_failures_as` wins when set
 * (`ephemeral` means no), otherwise `store_failures` (or the `--store-failures` flag).
 */
export function storesFailures(config: NodeConfig, flagStoreFailures = false): 'table' | 'view' | null {
  const as = config.store_failures_as;
  if (as === 'table' || as === 'view') return as;
  if (as === 'ephemeral') return null;
  const store = config.store_failures ?? flagStoreFailures;
  return store ? 'table' : null;
}
