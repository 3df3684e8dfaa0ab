import { unlinkSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { KpiError } from '../../errors.js';
import type { RunLockOptions } from '../adapter.js';
import { formatLockHolder, processAlive, readLockHolder, SERVE_COMMAND, type LockHolder } from './lock-holder.js';

export interface FileLockOptions extends RunLockOptions {
  /**
   * A live holder this accepts is returned instead of waiting for it: a kpi command
   * connects through a `kpi serve` that holds the database rather than queue behind a
   * process that never finishes.
   */
  yieldTo?: (holder: LockHolder) => boolean;
  /** Stop waiting when this aborts (Ctrl+C on a `kpi serve` queued behind a run). */
  signal?: AbortSignal;
}

export type FileLock = { acquired: true; release: () => Promise<void> } | { acquired: false; holder: LockHolder };

function heldMessage(file: string, holder: LockHolder | null): { message: string; hint: string } {
  if (holder?.command === SERVE_COMMAND) {
    return {
      message: `kpi serve (pid ${holder.pid}) holds the embedded database (${file})`,
      hint: 'stop it with `kpi serve --stop` (or Ctrl+C where it runs in the foreground)',
    };
  }
  return {
    message: `another kpi process${holder ? ` (pid ${holder.pid})` : ''} is using the embedded database (${file})`,
    hint: 'wait for it to finish, or run without --no-wait to queue behind it',
  };
}

/**
 * The embedded database allows one process at a time: a lock file beside the data
 * directory names its holder (lock-holder.ts), so a second `kpi` waits (or fails with
 * --no-wait) instead of corrupting it. A lock left by a process that died is taken over.
 */
export async function acquireFileLock(file: string, command: string, options: FileLockOptions): Promise<FileLock> {
  let warned = false;
  let unreadable = 0;
  for (;;) {
    try {
      writeFileSync(file, formatLockHolder({ pid: process.pid, command, server: null }), { flag: 'wx' });
      return {
        acquired: true,
        release: async () => {
          try {
            unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readLockHolder(file);
    // A lock file just created is empty until its holder has written it: look again before taking it over.
    if (!holder && unreadable++ < 10) {
      await sleep(50);
      continue;
    }
    if (holder) unreadable = 0;
    if (!holder || !processAlive(holder.pid)) {
      try {
        unlinkSync(file);
      } catch {
        // Another process took it over first; loop and try again.
      }
      continue;
    }
    if (options.yieldTo?.(holder)) return { acquired: false, holder };
    if (!options.wait || options.signal?.aborted) {
      const { message, hint } = heldMessage(file, holder);
      throw new KpiError('KPI_LOCKED', options.signal?.aborted ? `stopped while waiting: ${message}` : message, { hint });
    }
    if (!warned) {
      options.onWaiting?.();
      warned = true;
    }
    await sleep(200);
  }
}
