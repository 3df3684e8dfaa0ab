import type { Adapter, Connection } from '../adapters/adapter.js';

/**
 * Run `fn` on one connection inside a READ ONLY transaction (repeatable read, so every
 * query of a request sees one snapshot): whatever the SQL, nothing can be written. Rolled
 * back at the end either way, since there is nothing to commit.
 */
export async function readOnly<T>(adapter: Adapter, fn: (connection: Connection) => Promise<T>): Promise<T> {
  return adapter.withConnection(async (connection) => {
    await connection.query('begin transaction isolation level repeatable read, read only');
    try {
      if (adapter.type === 'postgres') await connection.query("set local statement_timeout = '15s'");
      return await fn(connection);
    } finally {
      await connection.query('rollback').catch(() => undefined);
    }
  });
}
