import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteAdapter } from '../../src/adapters/pglite/pglite-adapter.js';
import { removeDir } from '../helpers/fixtures.js';

const MB = 1024 * 1024;
const fill = (table: string) => `create table ${table} as select g, repeat('x', 200) as pad from generate_series(1, 150000) g`;

// The embedded database only: a server has its own checkpointer.
describe('the embedded database WAL', () => {
  let dir: string;
  let db: PGlite;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kpi-wal-'));
    db = await PGlite.create(dir);
  });
  afterAll(async () => {
    await db.close();
    removeDir(dir);
  });

  async function checkpoint(): Promise<{ redo: string; behind: number }> {
    const { rows } = await db.query<{ redo: string; behind: string }>(
      'select redo_lsn::text as redo, pg_wal_lsn_diff(pg_current_wal_insert_lsn(), redo_lsn)::text as behind from pg_control_checkpoint()',
    );
    return { redo: rows[0].redo, behind: Number(rows[0].behind) };
  }

  it('is checkpointed by kpi once it passes the limit, as single-user Postgres never does by itself', async () => {
    const start = await checkpoint();
    await db.exec(fill('written_directly'));
    const direct = await checkpoint();
    expect(direct.redo).toBe(start.redo);
    expect(direct.behind).toBeGreaterThan(32 * MB);

    const adapter = await PgliteAdapter.open({ db, checkpointWalBytes: 16 * MB });
    await adapter.withConnection((connection) => connection.query(fill('written_by_kpi')));
    const after = await checkpoint();
    expect(after.redo).not.toBe(start.redo);
    expect(after.behind).toBeLessThan(16 * MB);

    // Under the limit nothing happens; nor inside a transaction left open, until it ends.
    await adapter.withConnection((connection) => connection.query('create table small as select 1 as a'));
    expect((await checkpoint()).redo).toBe(after.redo);
    await adapter.withConnection(async (connection) => {
      await connection.query('begin');
      await connection.query(fill('in_a_transaction'));
    });
    expect((await checkpoint()).redo).toBe(after.redo);
    await adapter.withConnection((connection) => connection.query('commit'));
    expect((await checkpoint()).redo).not.toBe(after.redo);
    expect(await db.query('select count(*)::int as n from in_a_transaction')).toMatchObject({ rows: [{ n: 150000 }] });
  });
});

/** Bytes of the files under a folder. */
function folderBytes(path: string): number {
  return readdirSync(path, { withFileTypes: true }).reduce((sum, entry) => sum + (entry.isDirectory() ? folderBytes(join(path, entry.name)) : statSync(join(path, entry.name)).size), 0);
}

describe('the embedded database kpi opens', () => {
  it('keeps its WAL near max_wal_size (128 MB) after writing far more, so .kpi/ is about the size of its tables', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpi-wal-size-'));
    try {
      const adapter = await PgliteAdapter.open({ dataDir: join(dir, 'pglite') });
      const settings = await adapter.withConnection(async (connection) => {
        for (const table of ['a', 'b', 'c', 'd', 'e', 'f']) await connection.query(fill(table));
        return (await connection.query<{ max: string; min: string }>("select current_setting('max_wal_size') as max, current_setting('min_wal_size') as min")).rows[0];
      });
      await adapter.close();
      expect(settings).toEqual({ max: '128MB', min: '32MB' });
      const wal = folderBytes(join(dir, 'pglite', 'pg_wal'));
      const tables = folderBytes(join(dir, 'pglite', 'base'));
      // Six tables of about 40 MB each wrote about 250 MB of WAL; what stays is bounded by max_wal_size plus the segment in use.
      expect(tables).toBeGreaterThan(200 * MB);
      expect(wal).toBeLessThanOrEqual(128 * MB + 16 * MB);
    } finally {
      removeDir(dir);
    }
  });
});
