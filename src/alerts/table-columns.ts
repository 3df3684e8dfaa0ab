import type { Connection } from '../adapters/adapter.js';
import { relationColumns } from '../adapters/catalog.js';
import type { TableName } from './types.js';

/** The columns of a table or view, or null when there is no such relation (the standard listing: no materialized views). */
export async function tableColumns(connection: Connection, table: TableName): Promise<Set<string> | null> {
  const columns = await relationColumns(connection, table, { listing: 'standard' });
  return columns.length === 0 ? null : new Set(columns.map((column) => column.name));
}
