import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { KpiError } from '../../errors.js';
import { TEXT_PARSERS } from '../type-parsers.js';
import { acquireFileLock, type FileLockOptions } from './file-lock.js';
import type { LockHolder } from './lock-holder.js';

export type OpenedPglite = { acquired: true; db: PGlite; release: () => Promise<void> } | { acquired: false; holder: LockHolder };

/**
 * Single-user Postgres keeps every WAL segment it recycles, up to max_wal_size (1 GB by
 * default): after a build `.kpi/` held about as much WAL as tables. A small max_wal_size
 * caps what stays behind (kpi checkpoints when the WAL passes it, wal-checkpoint.ts), at
 * the cost of a few more checkpoints while a big model writes.
 */
const EMBEDDED_SETTINGS = ['-c', 'max_wal_size=128MB', '-c', 'min_wal_size=32MB'];

/** The lock file of an embedded database: beside its data directory, never inside it. */
export function lockFileOf(dataDir: string): string {
  return `${dataDir}.lock`;
}

/**
 * Open the embedded database at `dataDir` (in memory when undefined) for this process
 * alone: take its lock as `command` (`kpi`, `kpi serve`), then start PGlite. A holder
 * that `lock.yieldTo` accepts is returned instead of the database.
 */
export async function openPglite(dataDir: string | undefined, command: string, lock: FileLockOptions): Promise<OpenedPglite> {
  let release = async (): Promise<void> => undefined;
  if (dataDir) {
    mkdirSync(dirname(dataDir), { recursive: true });
    const held = await acquireFileLock(lockFileOf(dataDir), command, lock);
    if (!held.acquired) return held;
    release = held.release;
  }
  try {
    // A first run creates the database (initdb), which takes seconds with nothing else to show.
    const creating = dataDir !== undefined && !existsSync(join(dataDir, 'PG_VERSION'));
    const started = performance.now();
    if (creating) lock.onProgress?.(`Creating the embedded database in ${dataDir} (first run only; this takes a few seconds)...`);
    const db = await PGlite.create(dataDir, { parsers: TEXT_PARSERS, startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS] });
    if (creating) lock.onProgress?.(`Embedded database created in ${((performance.now() - started) / 1000).toFixed(1)}s`);
    return { acquired: true, db, release };
  } catch (error) {
    await release();
    throw new KpiError('KPI_CONNECTION_ERROR', `could not open the embedded database at ${dataDir ?? 'memory'}: ${(error as Error).message}`, {
      cause: error,
      hint: 'another process may hold it open; the embedded database allows one process at a time',
    });
  }
}
