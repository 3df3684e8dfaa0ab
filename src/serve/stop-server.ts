import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive, readLockHolder, SERVE_COMMAND } from '../adapters/pglite/lock-holder.js';
import { lockFileOf } from '../adapters/pglite/open-pglite.js';
import { KpiError } from '../errors.js';
import { embeddedServerUrl } from './server-url.js';

export interface StopOutcome {
  stopped: boolean;
  pid?: number;
  url?: string;
}

/**
 * Stop the `kpi serve` that holds the embedded database at `dataDir`, wherever it was
 * started (in the background by --print-url, or in a terminal): SIGTERM, the same as
 * Ctrl+C, so it closes the database and releases the lock; then wait until it is gone.
 */
export async function stopServer(dataDir: string, timeoutMs = 20_000): Promise<StopOutcome> {
  const holder = readLockHolder(lockFileOf(dataDir));
  if (!holder || holder.command !== SERVE_COMMAND || !processAlive(holder.pid)) return { stopped: false };
  const url = holder.server ? embeddedServerUrl(holder.server) : undefined;
  try {
    process.kill(holder.pid, 'SIGTERM');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return { stopped: true, pid: holder.pid, url };
    throw new KpiError('KPI_SERVE_FAILED', `could not stop kpi serve (pid ${holder.pid}): ${(error as Error).message}`, { cause: error });
  }
  const deadline = Date.now() + timeoutMs;
  while (processAlive(holder.pid)) {
    if (Date.now() > deadline) {
      throw new KpiError('KPI_SERVE_FAILED', `kpi serve (pid ${holder.pid}) did not stop within ${timeoutMs / 1000}s`, { hint: `end it with \`kill ${holder.pid}\`` });
    }
    await sleep(100);
  }
  return { stopped: true, pid: holder.pid, url };
}
