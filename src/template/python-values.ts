/**
 * How Python (and so Jinja) treats values, for the places where JavaScript differs:
 * truthiness (an empty list, dict or string is false), equality by content, `in` by
 * equality, and the text `str()` and `repr()` give. Template values are JavaScript values;
 * nunjucks' SafeString (what a macro call returns) counts as a string throughout.
 */
import nunjucks from 'nunjucks';

const SafeString = (nunjucks as unknown as { runtime: { SafeString: new (value: string) => object } }).runtime.SafeString;

export function isSafeString(value: unknown): boolean {
  return value instanceof SafeString;
}

export function isText(value: unknown): value is string | object {
  return typeof value === 'string' || value instanceof SafeString;
}

/** A SafeString as its text; anything else unchanged. */
export function plainValue(value: unknown): unknown {
  return value instanceof SafeString ? String(value) : value;
}

/** A dict as Jinja sees one: a plain object (not a list, a string, a set or a class instance with its own shape). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `set()` in a template: a list without duplicates that compares equal to another regardless of order. */
export class PythonSet extends Array<unknown> {
  static fromItems(items: Iterable<unknown>): PythonSet {
    const set = new PythonSet();
    for (const item of items) if (!set.some((existing) => pythonEquals(existing, item))) set.push(item);
    return set;
  }

  // Array methods that build new arrays (map, filter, slice) make plain lists, as Python's would.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  add(item: unknown): string {
    if (!this.some((existing) => pythonEquals(existing, item))) this.push(item);
    return '';
  }

  union(other: Iterable<unknown>): PythonSet {
    return PythonSet.fromItems([...this, ...other]);
  }

  intersection(other: Iterable<unknown>): PythonSet {
    const items = [...other];
    return PythonSet.fromItems(this.filter((item) => items.some((candidate) => pythonEquals(candidate, item))));
  }

  difference(other: Iterable<unknown>): PythonSet {
    const items = [...other];
    return PythonSet.fromItems(this.filter((item) => !items.some((candidate) => pythonEquals(candidate, item))));
  }

  issubset(other: Iterable<unknown>): boolean {
    const items = [...other];
    return this.every((item) => items.some((candidate) => pythonEquals(candidate, item)));
  }
}

/** Python's truth value: empty strings, lists, dicts and sets are false, as are 0, None and False. */
export function pythonTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  // Objects that say what they are worth, as Python's __bool__ (dbt's behavior flags).
  if (typeof (value as { __bool__?: unknown }).__bool__ === 'function') return Boolean((value as { __bool__(): unknown }).__bool__());
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value.length > 0;
  if (value instanceof SafeString) return String(value).length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (isPlainObject(value)) return Object.keys(value).some((key) => key !== '__keywords');
  // Objects with a size (an agate table's rows) are false when empty, as Python's __len__ makes them.
  const length = (value as { length?: unknown }).length;
  return typeof length === 'number' ? length > 0 : true;
}

type Equatable = { __eq__(other: unknown): boolean };

function hasMethod<K extends string>(value: unknown, name: K): value is Record<K, (...args: unknown[]) => unknown> {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[name] === 'function';
}

/** `==` as Python compares: lists and dicts by content, sets regardless of order, no string/number coercion. */
export function pythonEquals(left: unknown, right: unknown): boolean {
  const a = plainValue(left);
  const b = plainValue(right);
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  // Values that define Python's __eq__ (Decimals, dates) compare as they say.
  if (hasMethod(a, '__eq__')) return (a as Equatable).__eq__(b);
  if (hasMethod(b, '__eq__')) return (b as Equatable).__eq__(a);
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) === Number(b) && typeof a !== 'string' && typeof b !== 'string';
  if (a instanceof PythonSet || b instanceof PythonSet) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const setA = PythonSet.fromItems(a);
    const setB = PythonSet.fromItems(b);
    return setA.length === setB.length && setA.issubset(setB);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => pythonEquals(item, b[index]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const aKeys = Object.keys(a);
    const bKeys = Object.keys(b);
    return aKeys.length === bKeys.length && aKeys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && pythonEquals(a[key], b[key]));
  }
  // Relations and other objects that render as text compare by what they render.
  if (typeof a === 'object' && typeof b === 'object' && a.toString !== Object.prototype.toString && b.toString !== Object.prototype.toString) {
    return a.constructor === b.constructor && String(a) === String(b);
  }
  return false;
}

/** `item in container`: by equality in lists, substring in text, key in dicts. */
export function pythonContains(container: unknown, item: unknown): boolean {
  const box = plainValue(container);
  if (typeof box === 'string') return box.includes(String(plainValue(item)));
  if (Array.isArray(box)) return box.some((candidate) => pythonEquals(candidate, item));
  if (box instanceof Set || box instanceof Map) return box.has(plainValue(item));
  if (typeof box === 'object' && box !== null) {
    if (Symbol.iterator in box && !isPlainObject(box)) return [...(box as Iterable<unknown>)].some((candidate) => pythonEquals(candidate, item));
    return String(plainValue(item)) in box;
  }
  throw new Error(`argument of type '${pythonTypeName(box)}' is not iterable`);
}

export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (isText(value)) return 'str';
  if (value instanceof PythonSet) return 'set';
  if (Array.isArray(value)) return 'list';
  if (isPlainObject(value)) return 'dict';
  return (value as object).constructor?.name ?? 'object';
}

/** Python's `repr()`: strings quoted, None/True/False spelled as Python spells them. */
export function pythonRepr(value: unknown): string {
  const plain = plainValue(value);
  if (hasMethod(plain, '__repr__')) return String(plain.__repr__());
  if (typeof plain === 'string') return plain.includes("'") && !plain.includes('"') ? `"${plain}"` : `'${plain.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (plain instanceof PythonSet) return plain.length === 0 ? 'set()' : `{${plain.map(pythonRepr).join(', ')}}`;
  if (Array.isArray(plain)) return `[${plain.map(pythonRepr).join(', ')}]`;
  if (isPlainObject(plain)) {
    return `{${Object.entries(plain)
      .filter(([key]) => key !== '__keywords')
      .map(([key, item]) => `${pythonRepr(key)}: ${pythonRepr(item)}`)
      .join(', ')}}`;
  }
  return pythonStr(plain);
}

/** Python's `str()`: like repr, except that text is itself. */
export function pythonStr(value: unknown): string {
  const plain = plainValue(value);
  if (plain === null || plain === undefined) return 'None';
  if (plain === true) return 'True';
  if (plain === false) return 'False';
  if (typeof plain === 'string') return plain;
  if (typeof plain === 'number') return Number.isFinite(plain) ? String(plain) : Number.isNaN(plain) ? 'nan' : plain > 0 ? 'inf' : '-inf';
  if (Array.isArray(plain) || isPlainObject(plain)) return pythonRepr(plain);
  return String(plain);
}

/**
 * A value as a number for numeric formatting (`'%.2f' % x`, `'{:,}'.format(x)`): numbers, and
 * objects that Python's float() accepts (a Decimal); undefined for anything else.
 */
export function numericValue(value: unknown): number | undefined {
  const plain = plainValue(value);
  if (typeof plain === 'number') return plain;
  if (hasMethod(plain, '__float__')) return Number(plain.__float__());
  return undefined;
}

/** Python's `list(value)`: a dict gives its keys, text its characters. */
export function toList(value: unknown): unknown[] {
  const plain = plainValue(value);
  if (plain === null || plain === undefined) return [];
  if (Array.isArray(plain)) return [...plain];
  if (typeof plain === 'string') return [...plain];
  if (isPlainObject(plain)) return Object.keys(plain).filter((key) => key !== '__keywords');
  if (plain instanceof Map) return [...plain.keys()];
  if (typeof plain === 'object' && Symbol.iterator in plain) return [...(plain as Iterable<unknown>)];
  return [plain];
}
