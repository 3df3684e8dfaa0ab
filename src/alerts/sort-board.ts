import { boardRank } from './status-order.js';
import type { BoardRow } from './types.js';

function compareIds(a: number | string, b: number | string): number {
  const [x, y] = [Number(a), Number(b)];
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return String(a).localeCompare(String(b));
}

/** Most severe status first; within one status, KPIs in dim_kpi's sort order (kpi_id without one), then by entity. */
export function sortBoard<Row extends BoardRow>(rows: readonly Row[], sortOrders: ReadonlyMap<string, number>): Row[] {
  const order = (row: Row) => sortOrders.get(String(row.kpi_id)) ?? Number.POSITIVE_INFINITY;
  return [...rows].sort(
    (a, b) => boardRank(a.status) - boardRank(b.status) || (order(a) === order(b) ? 0 : order(a) < order(b) ? -1 : 1) || compareIds(a.kpi_id, b.kpi_id) || compareIds(a.entity_id, b.entity_id),
  );
}
