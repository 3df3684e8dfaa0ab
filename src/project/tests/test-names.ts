import { createHash } from 'node:crypto';
import type { TestMetadata } from '../../manifest/types.js';
import { pythonRepr, pythonStr } from './python-repr.js';

export interface GenericTestNames {
  /** The node's name, fqn and unique_id use this one. */
  fullName: string;
  /** The alias and compiled file name: the full name, or a hashed one when that is 64 characters or more. */
  shortName: string;
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/**
 * dbt's `synthesize_generic_test_names`: `<test>_<target>_<args>`, where the args are the
 * keyword arguments sorted by name (without `model`), each flattened to its values and
 * cleaned to `[0-9a-zA-Z_]`, joined by `__`. Names of 64 characters or more get a short
 * form for the relation and file: the first 30 characters of `<test>_<target>` and the md5
 * of the full name.
 */
export function synthesizeGenericTestNames(testType: string, targetName: string, args: Record<string, unknown>): GenericTestNames {
  const flat: string[] = [];
  for (const name of Object.keys(args).sort()) {
    if (name === 'model') continue;
    const value = args[name];
    const parts = Array.isArray(value) ? value : value !== null && typeof value === 'object' ? Object.values(value) : [value];
    flat.push(...parts.map(pythonStr));
  }
  const unique = flat.map((part) => part.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const identifier = `${testType}_${targetName}`;
  const fullName = `${identifier}_${unique}`;
  // Python counts code points, not UTF-16 units.
  if ([...fullName].length < 64) return { fullName, shortName: fullName };
  return { fullName, shortName: `${[...identifier].slice(0, 30).join('')}_${md5(fullName)}` };
}

/** Python's sorted, stringified copy of the metadata that dbt hashes (`get_hashable_md`). */
function hashable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hashable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, hashable((value as Record<string, unknown>)[key])]),
    );
  }
  return pythonStr(value);
}

/** The 10-character suffix of a generic test's unique_id: md5 of its name and metadata, as dbt computes it. */
export function genericTestHash(name: string, metadata: TestMetadata): string {
  return md5(name + pythonRepr(hashable(metadata))).slice(-10);
}
