/**
 * `x[start:stop:step]` as Python slices: bounds clamp to the sequence (`[1, 2, 3][0:4]` has
 * three items, where nunjucks read one past the end), negative bounds count from the end,
 * a negative step walks backwards, and text slices into text.
 */
import { isText, toList } from './python-values.js';

function bound(value: unknown, length: number, step: number, fallback: number): number {
  if (value === null || value === undefined) return fallback;
  let index = Math.trunc(Number(value));
  if (index < 0) index += length;
  const [lower, upper] = step > 0 ? [0, length] : [-1, length - 1];
  return Math.min(Math.max(index, lower), upper);
}

/** Python's slice.indices(len) and the items it selects. */
export function pythonSlice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  const by = step === null || step === undefined ? 1 : Math.trunc(Number(step));
  if (by === 0) throw new Error('slice step cannot be zero');
  const text = isText(obj);
  const items: unknown[] = text ? String(obj).split('') : Array.isArray(obj) ? obj : toList(obj);
  const length = items.length;
  const from = bound(start, length, by, by > 0 ? 0 : length - 1);
  const to = bound(stop, length, by, by > 0 ? length : -1);
  const picked: unknown[] = [];
  for (let index = from; by > 0 ? index < to : index > to; index += by) picked.push(items[index]);
  return text ? picked.join('') : picked;
}
