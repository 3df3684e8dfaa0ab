import type { Connection } from '../adapters/adapter.js';
import { qualified } from '../adapters/quote.js';
import { tableColumns } from './table-columns.js';
import type { TableName } from './types.js';

/**
 * dim_kpi's sort_order by kpi_id, as the board lists KPIs. Empty when the table is not
 * there (or has no such columns): the board then falls back to kpi_id order.
 */
export async function readSortOrders(connection: Connection, dimKpi: TableName): Promise<Map<string, number>> {
  const columns = await tableColumns(connection, dimKpi);
  if (!columns?.has('kpi_id') || !columns.has('sort_order')) return new Map();
  const result = await connection.query<{ kpi_id: unknown; sort_order: unknown }>(`select kpi_id, sort_order from ${qualified(dimKpi.schema, dimKpi.identifier)}`);
  const orders = new Map<string, number>();
  for (const row of result.rows) {
    const order = Number(row.sort_order);
    if (row.sort_order !== null && Number.isFinite(order)) orders.set(String(row.kpi_id), order);
  }
  return orders;
}
