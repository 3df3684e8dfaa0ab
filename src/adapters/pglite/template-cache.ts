import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';

/**
 * What kpi hands PGlite's initdb (PGliteOptions.initDbStartParams): nothing, today. A
 * template made with other initdb options would be another database (encoding, locale,
 * checksums), so these are part of the template's key; startParams are not, being
 * settings of each start and not written by initdb.
 */
export const INITDB_OPTIONS: { initDbStartParams?: string[] } = {};

/** Bumped when what kpi stores in a template changes. */
const TEMPLATE_FORMAT = 1;

interface TemplateMeta {
  key: string;
  bytes: number;
  sha256: string;
}

/** The installed PGlite: its version, and the node_modules folder holding it. */
function installedPglite(): { version: string; nodeModules: string | null } {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  while (dirname(dir) !== dir) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === '@electric-sql/pglite' && parsed.version) {
        const marker = `${sep}node_modules${sep}`;
        const at = dir.lastIndexOf(marker);
        return { version: parsed.version, nodeModules: at >= 0 ? dir.slice(0, at + marker.length - 1) : null };
      }
    }
    dir = dirname(dir);
  }
  throw new Error('bug: @electric-sql/pglite resolves outside a package');
}

/** The user's cache folder of the OS, for kpi. */
function osCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'kpi', 'Cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'kpi');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kpi');
}

/**
 * The folders that may hold a template, first choice first: `KPI_CACHE_DIR` alone when set
 * (`off` disables the cache), else `node_modules/.cache/kpi` beside the installed PGlite
 * (it goes with the PGlite it was made by), then the OS cache folder (a read-only or
 * missing node_modules, e.g. under npx).
 */
export function templateCacheDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const configured = env.KPI_CACHE_DIR;
  if (configured === 'off') return [];
  if (configured) return [configured];
  const { nodeModules } = installedPglite();
  return [...(nodeModules ? [join(nodeModules, '.cache', 'kpi')] : []), osCacheDir(env)];
}

const BLOCK = 512;

/**
 * Whether `tar` is a whole tar (every header's checksum right, every entry's data present,
 * the closing zero block) that holds a data directory (PG_VERSION, global/pg_control).
 */
export function isDataDirectoryTar(tar: Uint8Array): boolean {
  const names = new Set<string>();
  let at = 0;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) return names.has('PG_VERSION') && names.has('global/pg_control');
    const field = (start: number, length: number) =>
      Buffer.from(header.subarray(start, start + length))
        .toString('latin1')
        .replace(/\0.*$/s, '')
        .trim();
    let sum = 0;
    for (let index = 0; index < BLOCK; index += 1) sum += index >= 148 && index < 156 ? 32 : header[index];
    if (Number.parseInt(field(148, 8), 8) !== sum) return false;
    const size = Number.parseInt(field(124, 12) || '0', 8);
    if (!Number.isFinite(size) || size < 0) return false;
    names.add(field(0, 100).replace(/^\/+/, ''));
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return false;
}

/** The key of a template: the PGlite version and the initdb options kpi opens it with. */
export function templateKey(): string {
  const options = createHash('sha256')
    .update(JSON.stringify({ format: TEMPLATE_FORMAT, initdb: INITDB_OPTIONS }))
    .digest('hex')
    .slice(0, 12);
  return `pglite-${installedPglite().version}-${options}`;
}

/**
 * A fresh data directory dumped once (PGlite's dumpDataDir, a gzipped tar of about 4.5 MB),
 * from which PGlite opens a new database (loadDataDir) in a third of initdb's CPU. The tar
 * is checked against the sha256 and size recorded beside it before use; anything missing,
 * of another key, or not matching is no template, and the database is made by initdb.
 * Writes go to a temporary file renamed into place, so a reader never sees half a file.
 */
export class PgliteTemplateCache {
  readonly key: string;

  constructor(
    private readonly dirs: readonly string[],
    key: string = templateKey(),
  ) {
    this.key = key;
  }

  /** The cache `templateCacheDirs` names; one with no folder (initdb every time) where PGlite's package cannot be found, as in a bundle. */
  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): PgliteTemplateCache {
    try {
      return new PgliteTemplateCache(templateCacheDirs(env));
    } catch {
      return new PgliteTemplateCache([], 'none');
    }
  }

  /** Where the template of this key lives (or would) in `dir`. */
  files(dir: string): { tar: string; meta: string } {
    return { tar: join(dir, `${this.key}.tar.gz`), meta: join(dir, `${this.key}.json`) };
  }

  /** The first valid template and its folder, or null. Never throws. */
  read(): { blob: Blob; dir: string } | null {
    for (const dir of this.dirs) {
      try {
        const { tar, meta } = this.files(dir);
        if (!existsSync(tar) || !existsSync(meta)) continue;
        const expected = JSON.parse(readFileSync(meta, 'utf8')) as Partial<TemplateMeta>;
        const bytes = readFileSync(tar);
        if (expected.key !== this.key || expected.bytes !== bytes.length) continue;
        if (createHash('sha256').update(bytes).digest('hex') !== expected.sha256) continue;
        // Unpacked here: PGlite meets a tar it cannot read with a rejection nobody can catch.
        const unpacked = gunzipSync(bytes);
        if (!isDataDirectoryTar(unpacked)) continue;
        return { blob: new Blob([new Uint8Array(unpacked.buffer, unpacked.byteOffset, unpacked.length)], { type: 'application/x-tar' }), dir };
      } catch {
        continue;
      }
    }
    return null;
  }

  /**
   * Store `db`'s data directory as the template: `db` must be a database initdb has just
   * made, with nothing written to it. In the first folder that takes it; false when none did.
   */
  async write(db: PGlite): Promise<boolean> {
    if (this.dirs.length === 0) return false;
    // Everything in the data files, so a database opened from the dump starts with (almost) nothing to replay.
    await db.exec('checkpoint');
    const bytes = Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
    const meta: TemplateMeta = { key: this.key, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    for (const dir of this.dirs) {
      try {
        mkdirSync(dir, { recursive: true });
        const { tar, meta: metaFile } = this.files(dir);
        const suffix = `.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
        writeFileSync(tar + suffix, bytes);
        renameSync(tar + suffix, tar);
        writeFileSync(metaFile + suffix, JSON.stringify(meta, null, 2));
        renameSync(metaFile + suffix, metaFile);
        return true;
      } catch {
        continue;
      }
    }
    return false;
  }

  /** Forget the template in `dir`, which PGlite could not open, so the next new database does not try it again. */
  discard(dir: string): void {
    try {
      const { tar, meta } = this.files(dir);
      rmSync(meta, { force: true });
      rmSync(tar, { force: true });
    } catch {
      // A template that stays is checked again next time; nothing depends on its removal.
    }
  }
}
