import type { Adapter, RunLockOptions } from '../adapter.js';
import { SERVE_COMMAND, type LockHolder, type ServedAddress } from './lock-holder.js';
import { openPglite } from './open-pglite.js';
import { PgliteAdapter } from './pglite-adapter.js';
import { ServedPgliteAdapter } from './served-pglite-adapter.js';

function listeningServer(holder: LockHolder): holder is LockHolder & { server: ServedAddress } {
  return holder.command === SERVE_COMMAND && holder.server !== null;
}

/**
 * The target's embedded database: opened in this process, or, while `kpi serve` holds
 * it, reached through that server (a server never finishes, so waiting for it would
 * hang). A server still starting is waited for like any other holder.
 */
export async function openEmbedded(dataDir: string | null, lock: RunLockOptions): Promise<Adapter> {
  const opened = await openPglite(dataDir ?? undefined, 'kpi', { ...lock, yieldTo: listeningServer });
  if (opened.acquired) return PgliteAdapter.fromOpened(opened.db, dataDir ?? undefined, opened.release);
  if (!dataDir || !listeningServer(opened.holder)) throw new Error('bug: yielded to a holder that is not a listening server');
  return ServedPgliteAdapter.connect(dataDir, opened.holder, lock);
}
