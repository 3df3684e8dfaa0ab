import type { PGlite } from '@electric-sql/pglite';

/**
 * PGlite runs Postgres in single-user mode: there is no checkpointer, and a backend there
 * never asks for a checkpoint when the WAL passes max_wal_size. Until the database is
 * closed, every WAL segment written stays on disk: 18 GB twenty minutes into building the
 * 100-location mart. This does what the checkpointer would: checkpoint once the WAL since
 * the last checkpoint has passed `limitBytes` (default max_wal_size), so old segments are
 * recycled. Outside a transaction only: the session is shared.
 */
export async function checkpointIfDue(db: PGlite, limitBytes?: number): Promise<boolean> {
  if (db.isInTransaction()) return false;
  const limit = limitBytes === undefined ? "pg_size_bytes(current_setting('max_wal_size'))" : String(Math.floor(limitBytes));
  const { rows } = await db.query<{ due: boolean }>(`select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), redo_lsn) > ${limit} as due from pg_control_checkpoint()`);
  if (!rows[0]?.due) return false;
  await db.exec('checkpoint');
  return true;
}
