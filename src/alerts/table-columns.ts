import type { Connection } from '../adapters/adapter.js';
import type { TableName } from './types.js';

/** The columns of a table or view, or null when there is no such relation. */
export async function tableColumns(connection: Connection, table: TableName): Promise<Set<string> | null> {
  const result = await connection.query<{ column_name: string }>(
    'select column_name from information_schema.columns where table_schema = $1 and table_name = $2',
    [table.schema, table.identifier],
  );
  return result.rows.length === 0 ? null : new Set(result.rows.map((row) => row.column_name));
}
