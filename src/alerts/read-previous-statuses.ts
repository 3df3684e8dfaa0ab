import type { Connection } from '../adapters/adapter.js';
import { qualified } from '../adapters/quote.js';
import { requireTable } from './read-board.js';
import type { PreviousStatus, TableName } from './types.js';

export function seriesKey(kpiId: unknown, entityId: unknown): string {
  return `${String(kpiId)}\u0000${String(entityId)}`;
}

/**
 * Each KPI × entity's latest status before `date` in the history, for one window. Taken
 * per series rather than from one previous date, so a day a KPI had no row does not make
 * its unchanged Red look new.
 */
export async function readPreviousStatuses(connection: Connection, history: TableName, date: string, window: number): Promise<Map<string, PreviousStatus>> {
  await requireTable(connection, history, ['as_of_date', 'window_days', 'kpi_id', 'entity_id', 'status'], 'history', '--history-table');
  const result = await connection.query<{ kpi_id: unknown; entity_id: unknown; as_of_date: string; status: unknown }>(
    `select distinct on (kpi_id, entity_id) kpi_id, entity_id, as_of_date::text as as_of_date, status
from ${qualified(history.schema, history.identifier)}
where as_of_date < $1::date and window_days = $2
order by kpi_id, entity_id, as_of_date desc`,
    [date, window],
  );
  return new Map(
    result.rows.map((row) => [
      seriesKey(row.kpi_id, row.entity_id),
      {
        as_of_date: row.as_of_date,
        status: String(row.status ?? '')
          .trim()
          .toLowerCase(),
      },
    ]),
  );
}
