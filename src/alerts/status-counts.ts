export type StatusCounts = Record<'red' | 'yellow' | 'green' | 'grey', number>;

/** "2 red · 1 yellow · 20 green · 4 grey": a board's counts, worst first. */
export function countsText(counts: StatusCounts): string {
  return (['red', 'yellow', 'green', 'grey'] as const).map((status) => `${counts[status]} ${status}`).join(' · ');
}
