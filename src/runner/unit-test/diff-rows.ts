import type { ComparableRow } from './fetch-comparison.js';

export interface RowDiff {
  /** Rows the model returned that were not expected (`+`). */
  onlyActual: ComparableRow[];
  /** Expected rows the model did not return (`-`). */
  onlyExpected: ComparableRow[];
  /** Rows on both sides, once for each time they matched. */
  matched: ComparableRow[];
}

/** Compare as multisets, as dbt does: order does not matter, duplicates do. */
export function diffRows(actual: readonly ComparableRow[], expected: readonly ComparableRow[]): RowDiff {
  const unmatched = new Map<string, ComparableRow[]>();
  for (const row of expected) {
    const key = JSON.stringify(row);
    unmatched.set(key, [...(unmatched.get(key) ?? []), row]);
  }
  const onlyActual: ComparableRow[] = [];
  const matched: ComparableRow[] = [];
  for (const row of actual) {
    const waiting = unmatched.get(JSON.stringify(row));
    if (waiting && waiting.length > 0) matched.push(waiting.pop() as ComparableRow);
    else onlyActual.push(row);
  }
  return { onlyActual, onlyExpected: [...unmatched.values()].flat(), matched };
}
