/**
 * The Python builtins dbt puts in the template context: `namespace`, `dict`, `list`, `set`,
 * `zip`, JSON and YAML conversion, `local_md5`, `diff_of_two_dicts`, and their strict forms.
 */
import { createHash } from 'node:crypto';
import { yamlModule } from '../support/yaml-module.js';
import { splitArgs } from './keyword-args.js';
import { Namespace } from './namespace.js';
import { isPlainObject, plainValue, PythonSet, toList } from './python-values.js';

/** Python's json.dumps: `", "` and `": "` separators, keys sorted when asked. */
export function pythonJsonDumps(value: unknown, sortKeys = false): string {
  const plain = plainValue(value);
  if (plain === null || plain === undefined) return 'null';
  if (Array.isArray(plain)) return `[${plain.map((item) => pythonJsonDumps(item, sortKeys)).join(', ')}]`;
  if (isPlainObject(plain)) {
    const keys = Object.keys(plain).filter((key) => key !== '__keywords');
    if (sortKeys) keys.sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}: ${pythonJsonDumps(plain[key], sortKeys)}`).join(', ')}}`;
  }
  if (typeof plain === 'object' && typeof (plain as { toJSON?: unknown }).toJSON === 'function') return pythonJsonDumps((plain as { toJSON(): unknown }).toJSON(), sortKeys);
  return JSON.stringify(typeof plain === 'object' ? String(plain) : plain) ?? 'null';
}

function zipLists(lists: unknown[]): unknown[][] {
  const items = lists.map(toList);
  const length = items.length === 0 ? 0 : Math.min(...items.map((list) => list.length));
  return Array.from({ length }, (_, index) => items.map((list) => list[index]));
}

/** The builtins hold no state, so every render shares them. */
export const PYTHON_BUILTINS: Readonly<Record<string, unknown>> = Object.freeze({
  namespace: (...args: unknown[]) => {
    const { positional, kwargs } = splitArgs(args);
    return new Namespace({ ...(isPlainObject(positional[0]) ? positional[0] : {}), ...kwargs });
  },
  dict: (...args: unknown[]) => {
    const { positional, kwargs } = splitArgs(args);
    const source = positional[0];
    const base = Array.isArray(source) ? Object.fromEntries((source as Array<[unknown, unknown]>).map(([key, value]) => [String(plainValue(key)), value])) : isPlainObject(source) ? { ...source } : {};
    return { ...base, ...kwargs };
  },
  list: (value: unknown) => toList(value),
  set: (value: unknown) => PythonSet.fromItems(toList(value)),
  set_strict: (value: unknown) => PythonSet.fromItems(toList(value)),
  zip: (...lists: unknown[]) => zipLists(lists),
  zip_strict: (...lists: unknown[]) => zipLists(lists),
  fromjson: (text: unknown, fallback?: unknown) => {
    try {
      return JSON.parse(String(plainValue(text)));
    } catch {
      return fallback ?? null;
    }
  },
  tojson: (...args: unknown[]) => {
    const { positional, kwargs } = splitArgs(args);
    try {
      return pythonJsonDumps(positional[0], Boolean(kwargs.sort_keys ?? positional[2]));
    } catch {
      return kwargs.default ?? positional[1] ?? null;
    }
  },
  fromyaml: (text: unknown, fallback?: unknown) => {
    try {
      return yamlModule().parse(String(plainValue(text)));
    } catch {
      return fallback ?? null;
    }
  },
  toyaml: (value: unknown) => yamlModule().stringify(plainValue(value)),
  local_md5: (text: unknown) =>
    createHash('md5')
      .update(String(plainValue(text)))
      .digest('hex'),
  /** dbt's diff_of_two_dicts(a, b): the keys of a whose values b lacks. */
  diff_of_two_dicts: (left: Record<string, unknown[]>, right: Record<string, unknown[]>) => {
    const difference: Record<string, unknown[]> = {};
    for (const [key, values] of Object.entries(left ?? {})) {
      const other = new Set((right?.[key] ?? []).map((value) => String(value).toLowerCase()));
      const missing = toList(values).filter((value) => !other.has(String(value).toLowerCase()));
      if (missing.length > 0) difference[key] = missing;
    }
    return difference;
  },
});
