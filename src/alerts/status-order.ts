/**
 * Board order: what needs attention first. Grey (too little history) is unknown, not fine,
 * so it sorts above green; expected (an event day, kpi_events) is explained, so it sorts
 * with green, just above it.
 */
export const STATUSES = ['red', 'yellow', 'grey', 'expected', 'green'] as const;
export type Status = (typeof STATUSES)[number];

/** `--fail-on` thresholds: only red and yellow are failures; grey never trips a scheduler. */
export const FAIL_ON = ['red', 'yellow'] as const;
export type FailOn = (typeof FAIL_ON)[number];

const FAILURE_RANK: Record<string, number> = { red: 2, yellow: 1 };

export function boardRank(status: string): number {
  const index = (STATUSES as readonly string[]).indexOf(status);
  return index === -1 ? STATUSES.length : index;
}

/** Whether `status` is at `failOn` or worse (`red` is worse than `yellow`). */
export function isAtOrWorse(status: string, failOn: FailOn): boolean {
  return (FAILURE_RANK[status] ?? 0) >= FAILURE_RANK[failOn];
}
