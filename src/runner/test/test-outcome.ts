import type { NodeConfig } from '../../manifest/types.js';

export interface TestOutcome {
  status: 'pass' | 'warn' | 'fail';
  failures: number;
  message: string | null;
}

/** The row `get_test_sql` returns. */
export interface TestCountRow {
  failures: unknown;
  should_warn: unknown;
  should_error: unknown;
}

function truthy(value: unknown): boolean {
  if (typeof value === 'string') return ['t', 'true', '1', 'y', 'yes', 'on'].includes(value.trim().toLowerCase());
  return Boolean(value);
}

/**
 * dbt's verdict on a test: with severity error, `error_if` fails it; otherwise `warn_if`
 * warns; otherwise it passes (and reports 0 failures, as dbt does).
 */
export function testOutcome(config: NodeConfig, row: TestCountRow): TestOutcome {
  const failures = row.failures === null || row.failures === undefined ? 0 : Number(row.failures);
  const counted = `Got ${failures} result${failures === 1 ? '' : 's'}`;
  if (String(config.severity).toUpperCase() === 'ERROR' && truthy(row.should_error)) {
    return { status: 'fail', failures, message: `${counted}, configured to fail if ${String(config.error_if)}` };
  }
  if (truthy(row.should_warn)) return { status: 'warn', failures, message: `${counted}, configured to warn if ${String(config.warn_if)}` };
  return { status: 'pass', failures: 0, message: null };
}
