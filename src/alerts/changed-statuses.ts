import { seriesKey } from './read-previous-statuses.js';
import type { DescribedRow, PreviousStatus, StatusChange } from './types.js';

/**
 * The rows whose status is not the one their KPI × entity had before: a Red that stays
 * Red is not news, a return to Green is. A series with no earlier status is news only
 * when it starts Red or Yellow, so the first run does not announce every Green KPI.
 */
export function changedStatuses(rows: readonly DescribedRow[], previous: ReadonlyMap<string, PreviousStatus>): StatusChange[] {
  const changes: StatusChange[] = [];
  for (const row of rows) {
    const before = previous.get(seriesKey(row.kpi_id, row.entity_id)) ?? null;
    if (before ? before.status !== row.status : row.status === 'red' || row.status === 'yellow') changes.push({ row, previous: before });
  }
  return changes;
}
