import { loadPg } from '../adapters/postgres/load-pg.js';
import type { ServedAddress } from '../adapters/pglite/lock-holder.js';
import { errorMessage } from '../errors.js';

/**
 * Whether a Postgres server answers a query at `address`; the reason when it does not.
 * A busy embedded server answers a new client after its queued queries, hence the patience.
 */
export async function probeServer(address: ServedAddress, timeoutMs = 15_000): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = new (loadPg().Client)({ host: address.host, port: address.port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // A server that closes the socket emits 'error' on an idle client; the awaited calls report it.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: errorMessage(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}
