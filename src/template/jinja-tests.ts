import type nunjucks from 'nunjucks';
import { PyDecimal } from './py-decimal.js';
import { pythonModulo } from './python-operators.js';
import { isPlainObject, isSafeString, isText, plainValue, pythonContains, pythonEquals } from './python-values.js';

/**
 * Jinja's tests (`x is mapping`, `x is divisibleby 3`, `x is sameas none`...), all of
 * Jinja2's list, where nunjucks lacks them or reads JavaScript types: a macro's output (a
 * SafeString) is a string, not a mapping; a dict and any iterable are iterable; `in` and `eq`
 * compare by value; a Decimal from a query is a number. The operator names (`==`, `<`...)
 * serve `select('>', 1)` and `selectattr('n', '==', 2)`.
 */
type Test = (value: unknown, ...args: unknown[]) => boolean;

/** Python's `a < b` where JavaScript would compare differently (text from macros, Decimals, dates via valueOf). */
function less(a: unknown, b: unknown): boolean {
  return (plainValue(a) as number) < (plainValue(b) as number);
}

/** str.islower()/isupper(): at least one cased character, and none of the other case. */
function hasCase(value: unknown, upper: boolean): boolean {
  if (!isText(value)) return false;
  const text = String(value);
  return (upper ? text.toUpperCase() : text.toLowerCase()) === text && text.toLowerCase() !== text.toUpperCase();
}

function isInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value);
}

const TESTS: Record<string, Test> = {
  defined: (value) => value !== undefined,
  undefined: (value) => value === undefined,
  none: (value) => value === null || value === undefined,
  boolean: (value) => typeof value === 'boolean',
  true: (value) => value === true,
  false: (value) => value === false,
  string: (value) => isText(value),
  number: (value) => typeof value === 'number' || typeof value === 'boolean' || value instanceof PyDecimal,
  integer: (value) => isInteger(value),
  float: (value) => typeof value === 'number' && !Number.isInteger(value),
  mapping: (value) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && !isSafeString(value) && !(value instanceof Set) && !(typeof (value as { length?: unknown }).length === 'number'),
  iterable: (value) => isText(value) || Array.isArray(value) || isPlainObject(value) || (typeof value === 'object' && value !== null && Symbol.iterator in value),
  sequence: (value) => isText(value) || Array.isArray(value) || isPlainObject(value) || (typeof value === 'object' && value !== null && typeof (value as { length?: unknown }).length === 'number'),
  callable: (value) => typeof value === 'function' || (typeof value === 'object' && value !== null && typeof (value as { __call__?: unknown }).__call__ === 'function'),
  // dbt renders with autoescape off: macro output is a plain str, never Markup.
  escaped: (value) => typeof value === 'object' && value !== null && typeof (value as { __html__?: unknown }).__html__ === 'function',
  odd: (value) => isInteger(plainValue(value)) && pythonModulo(value, 2) === 1,
  even: (value) => isInteger(plainValue(value)) && pythonModulo(value, 2) === 0,
  divisibleby: (value, divisor) => pythonModulo(value, divisor) === 0,
  in: (value, container) => pythonContains(container, value),
  sameas: (value, other) => plainValue(value) === plainValue(other) || ((value === null || value === undefined) && other === null),
  lower: (value) => hasCase(value, false),
  upper: (value) => hasCase(value, true),
  eq: (value, other) => pythonEquals(value, other),
  ne: (value, other) => !pythonEquals(value, other),
  lt: (value, other) => less(value, other),
  le: (value, other) => less(value, other) || pythonEquals(value, other),
  gt: (value, other) => less(other, value),
  ge: (value, other) => less(other, value) || pythonEquals(value, other),
};
TESTS.equalto = TESTS.eq;
TESTS['=='] = TESTS.eq;
TESTS['!='] = TESTS.ne;
TESTS.lessthan = TESTS.lt;
TESTS['<'] = TESTS.lt;
TESTS['<='] = TESTS.le;
TESTS.greaterthan = TESTS.gt;
TESTS['>'] = TESTS.gt;
TESTS['>='] = TESTS.ge;

interface TestRegistry {
  addTest(name: string, test: Test): void;
  getTest(name: string): Test | undefined;
  getFilter(name: string): unknown;
}

function exists(lookup: () => unknown): boolean {
  try {
    return lookup() !== undefined;
  } catch {
    return false;
  }
}

export function installJinjaTests(env: nunjucks.Environment): void {
  const target = env as unknown as TestRegistry;
  for (const [name, test] of Object.entries(TESTS)) target.addTest(name, test);
  // `'upper' is filter`, `'odd' is test`: whether the environment has one of that name.
  target.addTest('filter', (name) => isText(name) && exists(() => target.getFilter(String(name))));
  target.addTest('test', (name) => isText(name) && exists(() => target.getTest(String(name))));
}
