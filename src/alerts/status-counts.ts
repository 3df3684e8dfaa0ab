/** How many shown KPIs have each status; `expected` (event days) only where the board reads it. */
export type StatusCounts = Record<'red' | 'yellow' | 'green' | 'grey', number> & { expected?: number };

/** "2 red · 1 yellow · 20 green · 4 grey" (and "· 3 expected" on an event day): a board's counts, worst first. */
export function countsText(counts: StatusCounts): string {
  const parts = (['red', 'yellow', 'green', 'grey'] as const).map((status) => `${counts[status]} ${status}`);
  if (counts.expected) parts.push(`${counts.expected} expected`);
  return parts.join(' · ');
}
