import { describe, expect, it } from 'vitest';
import { freshnessStatus } from '../../src/freshness/freshness-status.js';
import { pythonRepr } from '../../src/project/tests/python-repr.js';
import { testOutcome } from '../../src/runner/test/test-outcome.js';
import { genericTestHash, synthesizeGenericTestNames } from '../../src/project/tests/test-names.js';
import { finalizeConfig } from '../../src/project/node-config.js';

const model = (name: string) => `{{ get_where_subquery(ref('${name}')) }}`;

/** name + unique_id of a generic test, the way buildGenericTest derives them. */
function ids(testType: string, target: string, kwargs: Record<string, unknown>, namespace: string | null = null) {
  const { fullName, shortName } = synthesizeGenericTestNames(testType, target, kwargs);
  const name = testType.startsWith('source_') ? testType.slice('source_'.length) : testType;
  return { fullName, shortName, hash: genericTestHash(fullName, { name, kwargs, namespace }) };
}

describe('generic test names and unique ids', () => {
  // Expected values are what dbt-core writes in jaffle_shop's manifest.json.
  it('match dbt for jaffle_shop declarations', () => {
    expect(ids('not_null', 'orders', { column_name: 'amount', model: model('orders') })).toEqual({
      fullName: 'not_null_orders_amount',
      shortName: 'not_null_orders_amount',
      hash: '106140f9fd',
    });
    expect(ids('unique', 'customers', { column_name: 'customer_id', model: model('customers') }).hash).toBe('c5af1ff4b1');
    expect(ids('relationships', 'orders', { to: "ref('customers')", field: 'customer_id', column_name: 'customer_id', model: model('orders') })).toEqual({
      fullName: 'relationships_orders_customer_id__customer_id__ref_customers_',
      shortName: 'relationships_orders_customer_id__customer_id__ref_customers_',
      hash: 'c6ec7f58f2',
    });
    const values = ['placed', 'shipped', 'completed', 'return_pending', 'returned'];
    expect(ids('accepted_values', 'orders', { values, column_name: 'status', model: model('orders') })).toEqual({
      fullName: 'accepted_values_orders_status__placed__shipped__completed__return_pending__returned',
      // 64 characters or more: the alias and compiled file use the first 30 characters and an md5.
      shortName: 'accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758',
      hash: 'be6b5b5ec3',
    });
    expect(ids('accepted_values', 'stg_payments', { values: ['credit_card', 'coupon', 'bank_transfer', 'gift_card'], column_name: 'payment_method', model: model('stg_payments') }).hash).toBe(
      '3c3820f278',
    );
  });

  it('follow dbt for argument order, booleans, numbers, nested values and sources', () => {
    // Arguments are sorted by name; the argument order in YAML does not matter.
    const a = synthesizeGenericTestNames('accepted_range', 'orders', { min_value: 0, column_name: 'amount', max_value: 100, inclusive: false });
    const b = synthesizeGenericTestNames('accepted_range', 'orders', { max_value: 100, inclusive: false, column_name: 'amount', min_value: 0 });
    expect(a.fullName).toBe('accepted_range_orders_amount__False__100__0');
    expect(b).toEqual(a);
    expect(synthesizeGenericTestNames('accepted_values', 'orders', { column_name: 'code', values: [1, 2], quote: false }).fullName).toBe('accepted_values_orders_code__False__1__2');
    expect(synthesizeGenericTestNames('unique_combination_of_columns', 'kpi', { combination_of_columns: ['date_key', 'kpi_id'] }).fullName).toBe('unique_combination_of_columns_kpi_date_key__kpi_id');
    expect(synthesizeGenericTestNames('expression_is_true', 'orders', { expression: "amount >= 0 and status <> 'x'" }).fullName).toBe('expression_is_true_orders_amount_0_and_status_x_');
    expect(synthesizeGenericTestNames('source_not_null', 'raw_orders', { column_name: 'id' }).fullName).toBe('source_not_null_raw_orders_id');
  });

  it('hash metadata as Python prints it', () => {
    expect(pythonRepr({ a: "it's", b: 'say "hi"', c: [true, null, 1], d: 'back\\slash\n' })).toBe(`{'a': "it's", 'b': 'say "hi"', 'c': [True, None, 1], 'd': 'back\\\\slash\\n'}`);
    expect(pythonRepr(`both ' and "`)).toBe(`'both \\' and "'`);
  });
});

describe('test outcomes', () => {
  const config = (values: Record<string, unknown>) => finalizeConfig('test', { severity: 'ERROR', warn_if: '!= 0', error_if: '!= 0', ...values });

  it('fails on error_if, warns on warn_if, passes otherwise, as dbt decides', () => {
    expect(testOutcome(config({}), { failures: 3, should_warn: true, should_error: true })).toEqual({ status: 'fail', failures: 3, message: 'Got 3 results, configured to fail if != 0' });
    expect(testOutcome(config({ severity: 'WARN' }), { failures: 1, should_warn: true, should_error: true })).toEqual({
      status: 'warn',
      failures: 1,
      message: 'Got 1 result, configured to warn if != 0',
    });
    expect(testOutcome(config({ error_if: '> 10' }), { failures: 4, should_warn: true, should_error: false }).status).toBe('warn');
    expect(testOutcome(config({}), { failures: 0, should_warn: false, should_error: false })).toEqual({ status: 'pass', failures: 0, message: null });
    // A passing test reports no failures even when fail_calc counted some below the thresholds.
    expect(testOutcome(config({ warn_if: '> 5', error_if: '> 5' }), { failures: 2, should_warn: false, should_error: false })).toEqual({ status: 'pass', failures: 0, message: null });
  });
});

describe('freshness status', () => {
  const criteria = { warn_after: { count: 1, period: 'hour' as const }, error_after: { count: 1, period: 'day' as const } };
  it('is error past error_after, warn past warn_after, pass otherwise', () => {
    expect(freshnessStatus(criteria, 59 * 60)).toBe('pass');
    expect(freshnessStatus(criteria, 3600)).toBe('pass');
    expect(freshnessStatus(criteria, 3601)).toBe('warn');
    expect(freshnessStatus(criteria, 86401)).toBe('error');
    expect(freshnessStatus({ warn_after: { count: 12, period: 'hour' } }, 86401)).toBe('warn');
    expect(freshnessStatus({ error_after: { count: 30, period: 'minute' } }, 1801)).toBe('error');
  });
});
