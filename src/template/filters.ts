import nunjucks from 'nunjucks';
import { splitArgs } from './keyword-args.js';
import { percentFormat } from './percent-format.js';
import { pythonJsonDumps } from './python-builtins.js';
import { attributeOf, pythonMember } from './python-members.js';
import { pythonAdd } from './python-operators.js';
import { isPlainObject, isText, plainValue, pythonEquals, pythonRepr, pythonStr, pythonTruthy, toList } from './python-values.js';

/**
 * Jinja's and dbt's filters where nunjucks lacks them or differs, and Jinja's keyword
 * arguments for every filter (`sum(attribute='x')`, `join(d=', ')`): nunjucks passes
 * keywords as a trailing object, so each filter named in FILTER_PARAMETERS gets them
 * moved into their positional slots.
 */

type Filter = (this: unknown, value: unknown, ...args: unknown[]) => unknown;

/** The parameters after the value, in Jinja's order, of the filters that take keywords. */
const FILTER_PARAMETERS: Record<string, string[]> = {
  attr: ['name'],
  batch: ['linecount', 'fill_with'],
  center: ['width'],
  default: ['default_value', 'boolean'],
  d: ['default_value', 'boolean'],
  dictsort: ['case_sensitive', 'by', 'reverse'],
  float: ['default'],
  groupby: ['attribute', 'default', 'case_sensitive'],
  indent: ['width', 'first', 'blank'],
  int: ['default', 'base'],
  join: ['d', 'attribute'],
  max: ['case_sensitive', 'attribute'],
  min: ['case_sensitive', 'attribute'],
  replace: ['old', 'new', 'count'],
  round: ['precision', 'method'],
  slice: ['slices', 'fill_with'],
  sort: ['reverse', 'case_sensitive', 'attribute'],
  sum: ['attribute', 'start'],
  tojson: ['indent'],
  trim: ['chars'],
  truncate: ['length', 'killwords', 'end', 'leeway'],
  unique: ['case_sensitive', 'attribute'],
};

function withKeywordSlots(name: string, parameters: string[], filter: Filter): Filter {
  return function keywordFilter(this: unknown, value: unknown, ...args: unknown[]) {
    const { positional, kwargs: keywords } = splitArgs(args);
    const slots = [...positional];
    for (const [key, given] of Object.entries(keywords)) {
      const at = parameters.indexOf(key);
      if (at < 0) throw new Error(`filter '${name}' has no argument '${key}'`);
      while (slots.length < at) slots.push(undefined);
      slots[at] = given;
    }
    return filter.call(this, value, ...slots);
  };
}

function foldCase(value: unknown, caseSensitive: unknown): unknown {
  const plain = plainValue(value);
  return !caseSensitive && typeof plain === 'string' ? plain.toLowerCase() : plain;
}

function compare(a: unknown, b: unknown): number {
  const x = a as number;
  const y = b as number;
  return x < y ? -1 : x > y ? 1 : 0;
}

function pick(items: unknown, caseSensitive: unknown, attribute: unknown, sign: 1 | -1): unknown {
  const list = toList(items);
  if (list.length === 0) return undefined;
  const key = (item: unknown) => foldCase(attribute === undefined || attribute === null ? item : attributeOf(item, attribute), caseSensitive);
  return list.reduce((best, item) => (compare(key(item), key(best)) * sign > 0 ? item : best));
}

/** Jinja's tojson: json.dumps with keys sorted, and `<`, `>`, `&`, `'` escaped, so the text is safe inside SQL and HTML strings. */
function toJson(value: unknown, indent?: number): string {
  const text = indent ? JSON.stringify(JSON.parse(pythonJsonDumps(value, true)), null, indent) : pythonJsonDumps(value, true);
  return text.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/'/g, '\\u0027');
}

/** Jinja's groupby: a list of (grouper, list) pairs, sorted by the grouper. */
function groupBy(items: unknown, attribute: unknown, fallback: unknown, caseSensitive: unknown): unknown[] {
  const groups: Array<unknown[] & { grouper?: unknown; list?: unknown[] }> = [];
  const keyOf = (item: unknown) => {
    const value = attributeOf(item, attribute);
    return value === undefined ? fallback : value;
  };
  const sorted = toList(items).sort((a, b) => compare(foldCase(keyOf(a), caseSensitive), foldCase(keyOf(b), caseSensitive)));
  for (const item of sorted) {
    const key = keyOf(item);
    const last = groups[groups.length - 1];
    if (last && pythonEquals(foldCase(last.grouper, caseSensitive), foldCase(key, caseSensitive))) last.list!.push(item);
    else {
      const list: unknown[] = [item];
      groups.push(Object.assign([key, list], { grouper: key, list }));
    }
  }
  return groups;
}

function trimChars(value: unknown, chars: unknown): string {
  const text = String(plainValue(value) ?? '');
  if (chars === undefined || chars === null) return text.trim();
  const set = String(chars);
  let start = 0;
  let end = text.length;
  while (start < end && set.includes(text[start])) start++;
  while (end > start && set.includes(text[end - 1])) end--;
  return text.slice(start, end);
}

export function installFilters(env: nunjucks.Environment): void {
  const internal = env as unknown as {
    getFilter(name: string): Filter;
    addTest(name: string, test: (...args: any[]) => boolean): void;
    getTest(name: string): ((...args: unknown[]) => boolean) | undefined;
  };
  const add = (name: string, filter: Filter) => env.addFilter(name, filter as (...args: any[]) => any);

  add('map', function map(this: unknown, items: unknown, ...args: unknown[]) {
    const { positional, kwargs: keywords } = splitArgs(args);
    const list = toList(items);
    if (keywords.attribute !== undefined) {
      return list.map((item) => {
        const value = attributeOf(item, keywords.attribute);
        return value === undefined ? keywords.default : value;
      });
    }
    const [name, ...rest] = positional as [string, ...unknown[]];
    const filter = internal.getFilter(name);
    const restKeywords = Object.keys(keywords).length > 0 ? [{ ...keywords, __keywords: true }] : [];
    return list.map((item) => filter.call(this, item, ...rest, ...restKeywords));
  });
  add('selectattr', (items, path, test, ...rest) => toList(items).filter((item) => applyTest(env, attributeOf(item, path), test as string | undefined, rest)));
  add('rejectattr', (items, path, test, ...rest) => toList(items).filter((item) => !applyTest(env, attributeOf(item, path), test as string | undefined, rest)));
  add('select', (items, test, ...rest) => toList(items).filter((item) => applyTest(env, item, test as string | undefined, rest)));
  add('reject', (items, test, ...rest) => toList(items).filter((item) => !applyTest(env, item, test as string | undefined, rest)));
  add('unique', (items, caseSensitive, attribute) => {
    const seen: unknown[] = [];
    const result: unknown[] = [];
    for (const item of toList(items)) {
      const key = foldCase(attribute === undefined || attribute === null ? item : attributeOf(item, attribute), caseSensitive);
      if (seen.some((existing) => pythonEquals(existing, key))) continue;
      seen.push(key);
      result.push(item);
    }
    return result;
  });
  add('list', (value) => toList(value));
  add('items', (value) => (isPlainObject(value) ? Object.entries(value).filter(([key]) => key !== '__keywords') : []));
  add('tojson', (value, indent) => new nunjucks.runtime.SafeString(toJson(value, indent as number | undefined)));
  add('min', (items, caseSensitive, attribute) => pick(items, caseSensitive, attribute, -1));
  add('max', (items, caseSensitive, attribute) => pick(items, caseSensitive, attribute, 1));
  add('sum', (items, attribute, start) => toList(items).reduce((total, item) => pythonAdd(total, attribute === undefined || attribute === null ? item : attributeOf(item, attribute)), start ?? 0));
  add('join', (items, separator, attribute) =>
    toList(items)
      .map((item) => pythonStr(attribute === undefined || attribute === null ? item : attributeOf(item, attribute)))
      .join(separator === undefined || separator === null ? '' : String(separator)),
  );
  add('length', (value) => lengthOf(value));
  add('count', (value) => lengthOf(value));
  add('default', (value, fallback = '', boolean) => ((boolean ? pythonTruthy(value) : value !== undefined) ? value : fallback));
  add('d', (value, fallback = '', boolean) => ((boolean ? pythonTruthy(value) : value !== undefined) ? value : fallback));
  add('trim', (value, chars) => trimChars(value, chars));
  add('format', (value, ...args) => {
    const { positional, kwargs: keywords } = splitArgs(args);
    return percentFormat(String(value), Object.keys(keywords).length > 0 ? keywords : positional);
  });
  add('attr', (value, name) => pythonMember(value, name));
  add('pprint', (value) => pythonRepr(value));
  add('string', (value) => pythonStr(value));
  add('groupby', (items, attribute, fallback, caseSensitive) => groupBy(items, attribute, fallback, caseSensitive));
  add('dictsort', (value, caseSensitive, by, reverse) => {
    const index = by === 'value' ? 1 : 0;
    const entries = (isPlainObject(value) ? Object.entries(value).filter(([key]) => key !== '__keywords') : []).sort((a, b) =>
      compare(foldCase(a[index], caseSensitive), foldCase(b[index], caseSensitive)),
    );
    return reverse ? entries.reverse() : entries;
  });
  add('as_text', (value) => (value === null || value === undefined ? '' : String(value)));
  add('as_bool', (value) => (isText(value) ? String(value).trim().toLowerCase() === 'true' : Boolean(value)));
  add('as_number', (value) => Number(plainValue(value)));
  add('as_native', (value) => value);
  add('bool', (value) => (isText(value) ? ['true', '1', 'yes', 'on'].includes(String(value).toLowerCase()) : pythonTruthy(value)));

  for (const [name, parameters] of Object.entries(FILTER_PARAMETERS)) add(name, withKeywordSlots(name, parameters, internal.getFilter(name)));
}

function lengthOf(value: unknown): number {
  const plain = plainValue(value);
  if (plain === null || plain === undefined) return 0;
  if (typeof plain === 'string' || Array.isArray(plain)) return plain.length;
  if (plain instanceof Map || plain instanceof Set) return plain.size;
  if (isPlainObject(plain)) return Object.keys(plain).filter((key) => key !== '__keywords').length;
  const length = (plain as { length?: unknown }).length;
  if (typeof length === 'number') return length;
  if (typeof plain === 'object' && Symbol.iterator in plain) return [...(plain as Iterable<unknown>)].length;
  return 0;
}

function applyTest(env: nunjucks.Environment, value: unknown, test: string | undefined, args: unknown[]): boolean {
  if (!test) return pythonTruthy(value);
  const found = (env as unknown as { getTest(name: string): ((...args: unknown[]) => boolean) | undefined }).getTest(test);
  if (!found) throw new Error(`no test named '${test}'`);
  return found.call({}, value, ...args);
}
