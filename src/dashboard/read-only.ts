import type { Adapter, Connection } from '../adapters/adapter.js';

/**
 * Run `fn` on one connection inside a READ ONLY transaction (repeatable read, so every
 * query of a request sees one snapshot): whatever the SQL, nothing can be written. Rolled
 * back at the end either way, since there is nothing to commit.
 */
export async function readOnly<T>(adapter: Adapter, fn: (connection: Connection) => Promise<T>): Promise<T> {
  return adapter.withConnection(async (connection) => {
    // One round trip: on a busy server each costs milliseconds.
    await connection.execute(`begin transaction isolation level repeatable read, read only;${adapter.type === 'postgres' ? " set local statement_timeout = '15s';" : ''}`);
    try {
      return await fn(connection);
    } finally {
      await connection.query('rollback').catch(() => undefined);
    }
  });
}
