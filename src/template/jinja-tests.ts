import type nunjucks from 'nunjucks';
import { isPlainObject, isSafeString, isText, plainValue, pythonContains, pythonEquals } from './python-values.js';

/**
 * Jinja's tests (`x is mapping`, `x is string`, `x is none`...) where nunjucks lacks them or
 * reads JavaScript types: a macro's output (a SafeString) is a string, not a mapping; a
 * dict and any iterable are iterable; `in` and `eq` compare by value.
 */
const TESTS: Record<string, (value: unknown, ...args: unknown[]) => boolean> = {
  none: (value) => value === null || value === undefined,
  boolean: (value) => typeof value === 'boolean',
  true: (value) => value === true,
  false: (value) => value === false,
  string: (value) => isText(value),
  number: (value) => typeof value === 'number' || typeof value === 'boolean',
  integer: (value) => typeof value === 'number' && Number.isInteger(value),
  float: (value) => typeof value === 'number' && !Number.isInteger(value),
  mapping: (value) => typeof value === 'object' && value !== null && !Array.isArray(value) && !isSafeString(value) && !(value instanceof Set) && !(typeof (value as { length?: unknown }).length === 'number'),
  iterable: (value) => isText(value) || Array.isArray(value) || isPlainObject(value) || (typeof value === 'object' && value !== null && Symbol.iterator in value),
  sequence: (value) => isText(value) || Array.isArray(value) || isPlainObject(value),
  in: (value, container) => pythonContains(container, value),
  eq: (value, other) => pythonEquals(value, other),
  equalto: (value, other) => pythonEquals(value, other),
  ne: (value, other) => !pythonEquals(value, other),
  sameas: (value, other) => plainValue(value) === plainValue(other),
  lower: (value) => isText(value) && String(value) === String(value).toLowerCase(),
  upper: (value) => isText(value) && String(value) === String(value).toUpperCase(),
};

export function installJinjaTests(env: nunjucks.Environment): void {
  const target = env as unknown as { addTest(name: string, test: (...args: any[]) => boolean): void };
  for (const [name, test] of Object.entries(TESTS)) target.addTest(name, test);
}
