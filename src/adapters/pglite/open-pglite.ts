import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { KpiError } from '../../errors.js';
import { TEXT_PARSERS } from '../type-parsers.js';
import { acquireFileLock, type FileLockOptions } from './file-lock.js';
import type { LockHolder } from './lock-holder.js';
import { INITDB_OPTIONS, PgliteTemplateCache } from './template-cache.js';

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
 * that `lock.yieldTo` accepts is returned instead of the database. A new database is made
 * from the template in `templates` when there is a valid one, else by initdb, whose
 * result then becomes the template (template-cache.ts); `null` uses no template.
 */
export async function openPglite(
  dataDir: string | undefined,
  command: string,
  lock: FileLockOptions,
  templates: PgliteTemplateCache | null = PgliteTemplateCache.fromEnvironment(),
): Promise<OpenedPglite> {
  let release = async (): Promise<void> => undefined;
  if (dataDir) {
    mkdirSync(dirname(dataDir), { recursive: true });
    const held = await acquireFileLock(lockFileOf(dataDir), command, lock);
    if (!held.acquired) return held;
    release = held.release;
  }
  try {
    // A first run creates the database (initdb), which takes seconds with nothing else to show.
    const creating = dataDir === undefined || !existsSync(join(dataDir, 'PG_VERSION'));
    const started = performance.now();
    if (creating && dataDir) lock.onProgress?.(`Creating the embedded database in ${dataDir} (first run only; this takes a few seconds)...`);
    const fromTemplate = creating && templates ? await openFromTemplate(dataDir, templates) : null;
    const db = fromTemplate ?? (await PGlite.create(dataDir, openOptions()));
    if (creating && !fromTemplate && templates) await templates.write(db).catch(() => false);
    if (creating && dataDir) {
      const how = fromTemplate ? ' from the cached template' : '';
      lock.onProgress?.(`Embedded database created in ${((performance.now() - started) / 1000).toFixed(1)}s${how}`);
    }
    return { acquired: true, db, release };
  } catch (error) {
    await release();
    throw new KpiError('KPI_CONNECTION_ERROR', `could not open the embedded database at ${dataDir ?? 'memory'}: ${(error as Error).message}`, {
      cause: error,
      hint: 'another process may hold it open; the embedded database allows one process at a time',
    });
  }
}

function openOptions(): PGliteOptions {
  return { ...INITDB_OPTIONS, parsers: TEXT_PARSERS, startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS] };
}

/**
 * A new database at `dataDir` (or in memory) from the cached template, or null: no valid
 * template, a data directory that already holds files (what initdb left half done is
 * initdb's to finish), or a template PGlite cannot open, which is discarded after what it
 * wrote is removed. Never throws: initdb is always the way back.
 */
async function openFromTemplate(dataDir: string | undefined, templates: PgliteTemplateCache): Promise<PGlite | null> {
  const existed = dataDir !== undefined && existsSync(dataDir);
  if (existed && readdirSync(dataDir).length > 0) return null;
  const template = templates.read();
  if (!template) return null;
  let db: PGlite | undefined;
  try {
    db = await PGlite.create(dataDir, { ...openOptions(), loadDataDir: template.blob });
    // Started is not yet sound: the catalogs must read back (data checksums catch a damaged page there).
    await db.query('select count(*) from pg_class join pg_namespace on pg_namespace.oid = relnamespace');
    return db;
  } catch {
    await db?.close().catch(() => undefined);
    templates.discard(template.dir);
    if (dataDir) {
      rmSync(dataDir, { recursive: true, force: true });
      if (existed) mkdirSync(dataDir);
    }
    return null;
  }
}

/**
 * Make the template of the installed PGlite when there is no valid one (`npm install`
 * runs this through scripts/pglite-template.js, so a fresh clone's first build skips
 * initdb). 'present' when one was there, 'written' or 'not-written' (no folder took it).
 */
export async function ensurePgliteTemplate(templates: PgliteTemplateCache = PgliteTemplateCache.fromEnvironment()): Promise<'present' | 'written' | 'not-written'> {
  if (templates.read()) return 'present';
  const db = await PGlite.create(undefined, openOptions());
  try {
    return (await templates.write(db)) ? 'written' : 'not-written';
  } finally {
    await db.close();
  }
}
