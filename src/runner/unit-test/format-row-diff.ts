import type { RowDiff } from './diff-rows.js';
import type { ComparableRow } from './fetch-comparison.js';

const MAX_LINES = 40;
const MAX_WIDTH = 60;

type Marked = { mark: ' ' | '-' | '+'; row: ComparableRow };

function compareValues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y) && x !== y) return x - y;
  return a < b ? -1 : 1;
}

const MARK_ORDER = { ' ': 0, '-': 1, '+': 2 };

/** Sorted by value, column by column, so a changed row's `-` and `+` lines sit together. */
function compareMarked(a: Marked, b: Marked): number {
  for (let index = 0; index < a.row.length; index++) {
    const order = compareValues(a.row[index], b.row[index]);
    if (order !== 0) return order;
  }
  return MARK_ORDER[a.mark] - MARK_ORDER[b.mark];
}

function display(value: string | null): string {
  if (value === null) return 'null';
  const line = value.replace(/\n/g, '\\n');
  return line.length > MAX_WIDTH ? `${line.slice(0, MAX_WIDTH - 1)}…` : line;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * dbt's failure output for a unit test, as an aligned table: `+` marks a row only in the
 * actual output, `-` a row only in the expected rows, and rows on both sides are shown
 * unmarked for context while the table is short.
 */
export function formatRowDiff(columns: readonly string[], diff: RowDiff): string {
  const changed: Marked[] = [...diff.onlyExpected.map((row) => ({ mark: '-' as const, row })), ...diff.onlyActual.map((row) => ({ mark: '+' as const, row }))];
  const context: Marked[] = diff.matched.map((row) => ({ mark: ' ' as const, row }));
  const showContext = changed.length + context.length <= MAX_LINES;
  const all = [...changed, ...(showContext ? context : [])].sort(compareMarked);
  const shown = all.slice(0, MAX_LINES);
  const cells = shown.map((item) => item.row.map(display));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((row) => row[index].length)));
  const line = (mark: string, values: readonly string[]) => `${mark} | ${values.map((value, index) => value.padEnd(widths[index])).join(' | ')}`.trimEnd();

  const counts = [`${plural(diff.onlyActual.length, 'row')} only in actual (+)`, `${plural(diff.onlyExpected.length, 'row')} only in expected (-)`, `${diff.matched.length} in both`];
  const lines = [`actual differs from expected: ${counts.join(', ')}`, '', line(' ', columns), ...shown.map((item, index) => line(item.mark, cells[index]))];
  if (all.length > shown.length) lines.push(`... and ${plural(all.length - shown.length, 'more row')}`);
  if (!showContext && context.length > 0) lines.push(`(${plural(context.length, 'matching row')} not shown)`);
  return lines.join('\n');
}
