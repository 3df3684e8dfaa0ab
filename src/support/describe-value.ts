import { isPlainObject } from './is-plain-object.js';

/** A value as a message shows what was written instead of what was wanted: `a list`, `a mapping`, `"yes"`, `0`. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a mapping';
  return JSON.stringify(value) ?? String(value);
}
