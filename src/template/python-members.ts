/**
 * `value.name` and `value[key]` as Jinja resolves them: the methods Python gives lists,
 * dicts and strings (`items.append(x)`, `d.items()`, `name.upper()`), negative indexes
 * (`parts[-1]`), and objects' own methods before anything else (an agate column's
 * `values()` is its own, not a dict's).
 */
import { splitArgs } from './keyword-args.js';
import { pythonStringMember } from './python-methods.js';
import { isPlainObject, isText, plainValue, pythonEquals, pythonRepr } from './python-values.js';

type Method = (target: any, ...args: any[]) => unknown;

function indexOf(list: unknown[], item: unknown): number {
  return list.findIndex((candidate) => pythonEquals(candidate, item));
}

function compare(a: any, b: any): number {
  const x = plainValue(a) as any;
  const y = plainValue(b) as any;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Python's list methods. Mutating ones return '' so `{{ list.append(x) }}` prints nothing. */
const LIST_METHODS: Record<string, Method> = {
  append: (list: unknown[], item: unknown) => {
    list.push(item);
    return '';
  },
  extend: (list: unknown[], items: Iterable<unknown> | null) => {
    list.push(...(items ?? []));
    return '';
  },
  insert: (list: unknown[], index: number, item: unknown) => {
    list.splice(index < 0 ? Math.max(0, list.length + index) : index, 0, item);
    return '';
  },
  pop: (list: unknown[], index?: number) => {
    if (list.length === 0) throw new Error('pop from empty list');
    const at = index === undefined ? list.length - 1 : index < 0 ? list.length + index : index;
    if (at < 0 || at >= list.length) throw new Error('pop index out of range');
    return list.splice(at, 1)[0];
  },
  remove: (list: unknown[], item: unknown) => {
    const at = indexOf(list, item);
    if (at < 0) throw new Error(`list.remove(x): ${pythonRepr(item)} not in list`);
    list.splice(at, 1);
    return '';
  },
  index: (list: unknown[], item: unknown) => {
    const at = indexOf(list, item);
    if (at < 0) throw new Error(`${pythonRepr(item)} is not in list`);
    return at;
  },
  count: (list: unknown[], item: unknown) => list.filter((candidate) => pythonEquals(candidate, item)).length,
  copy: (list: unknown[]) => [...list],
  clear: (list: unknown[]) => {
    list.length = 0;
    return '';
  },
  sort: (list: unknown[], ...args: unknown[]) => {
    const { kwargs: keywords } = splitArgs(args);
    const key = keywords.key as ((item: unknown) => unknown) | undefined;
    list.sort((a, b) => (key ? compare(key(a), key(b)) : compare(a, b)));
    if (keywords.reverse) list.reverse();
    return '';
  },
  reverse: (list: unknown[]) => {
    list.reverse();
    return '';
  },
};

function dictEntries(dict: Record<string, unknown>): Array<[string, unknown]> {
  return Object.entries(dict).filter(([key]) => key !== '__keywords');
}

/** Python's dict methods, for plain objects. */
const DICT_METHODS: Record<string, Method> = {
  items: (dict) => dictEntries(dict),
  keys: (dict) => dictEntries(dict).map(([key]) => key),
  values: (dict) => dictEntries(dict).map(([, value]) => value),
  get: (dict, key: unknown, fallback: unknown = null) => {
    const name = String(plainValue(key));
    return Object.prototype.hasOwnProperty.call(dict, name) && dict[name] !== undefined ? dict[name] : fallback;
  },
  has_key: (dict, key: unknown) => Object.prototype.hasOwnProperty.call(dict, String(plainValue(key))),
  pop: (dict, key: unknown, ...rest: unknown[]) => {
    const name = String(plainValue(key));
    if (!Object.prototype.hasOwnProperty.call(dict, name)) {
      if (rest.length > 0) return rest[0];
      throw new Error(`KeyError: ${pythonRepr(key)}`);
    }
    const value = dict[name];
    delete dict[name];
    return value;
  },
  popitem: (dict) => {
    const entries = dictEntries(dict);
    if (entries.length === 0) throw new Error('popitem(): dictionary is empty');
    const [key, value] = entries[entries.length - 1];
    delete dict[key];
    return [key, value];
  },
  setdefault: (dict, key: unknown, fallback: unknown = null) => {
    const name = String(plainValue(key));
    if (!Object.prototype.hasOwnProperty.call(dict, name)) dict[name] = fallback;
    return dict[name];
  },
  update: (dict, ...args: unknown[]) => {
    const { positional, kwargs: keywords } = splitArgs(args);
    for (const source of positional) {
      if (Array.isArray(source)) for (const [key, value] of source as Array<[unknown, unknown]>) dict[String(plainValue(key))] = value;
      else if (source && typeof source === 'object') for (const [key, value] of dictEntries(source as Record<string, unknown>)) dict[key] = value;
    }
    Object.assign(dict, keywords);
    return '';
  },
  copy: (dict) => Object.fromEntries(dictEntries(dict)),
  clear: (dict) => {
    for (const key of Object.keys(dict)) delete dict[key];
    return '';
  },
};
DICT_METHODS.iteritems = DICT_METHODS.items;
DICT_METHODS.iterkeys = DICT_METHODS.keys;
DICT_METHODS.itervalues = DICT_METHODS.values;

function bind(method: Method, target: unknown): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => method(target, ...args);
}

function sequenceIndex(length: number, key: unknown): number | null {
  if (typeof key !== 'number' || !Number.isInteger(key)) return null;
  return key < 0 ? length + key : key;
}

/**
 * The value of `obj[key]` / `obj.key`, or `undefined` when there is none (which nunjucks
 * then treats as Jinja's undefined).
 */
export function pythonMember(obj: unknown, key: unknown): unknown {
  if (obj === null || obj === undefined) return undefined;
  const name = typeof key === 'string' ? key : null;
  if (Array.isArray(obj)) {
    if (name !== null && Object.prototype.hasOwnProperty.call(LIST_METHODS, name)) return bind(LIST_METHODS[name], obj);
    const index = sequenceIndex(obj.length, key);
    if (index !== null) return obj[index];
  }
  if (isText(obj)) {
    const text = String(obj);
    if (name !== null) {
      const method = pythonStringMember(text, name, attributeOf);
      if (method) return method;
    }
    const index = sequenceIndex(text.length, key);
    if (index !== null) return text[index];
    return undefined;
  }
  if (isPlainObject(obj)) {
    if (name !== null && Object.prototype.hasOwnProperty.call(DICT_METHODS, name)) return bind(DICT_METHODS[name], obj);
    return obj[String(plainValue(key))];
  }
  if (typeof obj === 'object' || typeof obj === 'function') {
    const property = String(plainValue(key));
    if (!(property in (obj as object))) return undefined;
    const value = (obj as Record<string, unknown>)[property];
    return typeof value === 'function' && property !== 'constructor' ? (value as Function).bind(obj) : value;
  }
  return undefined;
}

/** `item.a.b` or `item[0]`, as Jinja's attribute= arguments read it. */
export function attributeOf(item: unknown, path: unknown): unknown {
  if (typeof path === 'number') return pythonMember(item, path);
  return String(path)
    .split('.')
    .reduce<unknown>((value, key) => (value === null || value === undefined ? undefined : pythonMember(value, /^\d+$/.test(key) ? Number(key) : key)), item);
}
