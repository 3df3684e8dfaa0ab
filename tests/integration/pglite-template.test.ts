import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePgliteTemplate, openPglite } from '../../src/adapters/pglite/open-pglite.js';
import { isDataDirectoryTar, PgliteTemplateCache, templateCacheDirs } from '../../src/adapters/pglite/template-cache.js';
import { removeDir } from '../helpers/fixtures.js';

// The embedded database only: the template is how kpi makes a new PGlite data directory.

/** Open a database as kpi does, with the progress lines it printed. */
async function open(dataDir: string | undefined, templates: PgliteTemplateCache): Promise<{ db: PGlite; progress: string[]; close: () => Promise<void> }> {
  const progress: string[] = [];
  const opened = await openPglite(dataDir, 'kpi', { wait: true, onProgress: (line) => progress.push(line) }, templates);
  if (!opened.acquired) throw new Error('the lock was not acquired');
  return {
    db: opened.db,
    progress,
    close: async () => {
      await opened.db.close();
      await opened.release();
    },
  };
}

/** Store `bytes` as the template in `dir`, with the size and sha256 that make it pass the checksum. */
function writeTemplate(templates: PgliteTemplateCache, dir: string, bytes: Buffer): void {
  const { tar, meta } = templates.files(dir);
  writeFileSync(tar, bytes);
  writeFileSync(meta, JSON.stringify({ key: templates.key, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }));
}

/** The data of the entry `name` in a tar (a view: writing to it changes the tar). */
function entryData(tar: Buffer, name: string): Buffer {
  for (let at = 0; at + 512 <= tar.length;) {
    const entry = tar
      .subarray(at, at + 100)
      .toString('latin1')
      .replace(/\0.*$/s, '')
      .replace(/^\/+/, '');
    const size = Number.parseInt(
      tar
        .subarray(at + 124, at + 136)
        .toString('latin1')
        .replace(/\0.*$/s, '')
        .trim() || '0',
      8,
    );
    if (entry === name) return tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`no ${name} in the tar`);
}

/** What makes one new database the same as another, as the sessions and queries of kpi see it. */
async function describeDatabase(db: PGlite): Promise<Record<string, unknown>> {
  const read = async (sql: string) => (await db.query(sql)).rows;
  return {
    version: await read('select version()'),
    // Every setting with its value and where it comes from (the file initdb wrote, a start parameter, a default).
    settings: await read(`select name, setting, source from pg_settings where name not in ('data_directory', 'config_file', 'hba_file', 'ident_file') order by name`),
    databases: await read('select datname, pg_encoding_to_char(encoding) as encoding, datcollate, datctype, datlocprovider, datistemplate, datallowconn from pg_database order by datname'),
    extensions: await read('select extname, extversion from pg_extension order by extname'),
    extensionsAvailable: await read('select name, default_version from pg_available_extensions order by name'),
    schemas: await read('select nspname from pg_namespace order by nspname'),
    roles: await read('select rolname, rolsuper from pg_roles order by rolname'),
    catalog: await read('select (select count(*) from pg_class)::int as classes, (select count(*) from pg_proc)::int as functions, (select count(*) from pg_collation)::int as collations'),
    control: await read('select pg_control_version, catalog_version_no, system_identifier is not null as identified from pg_control_system()'),
    checksums: await read("select current_setting('data_checksums') as checksums"),
  };
}

describe('the embedded database template', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kpi-template-'));
  });
  afterAll(() => removeDir(dir));

  it('is made by the first initdb, and a new project opened from it has the database initdb makes', async () => {
    const templates = new PgliteTemplateCache([join(dir, 'cache')]);
    expect(templates.read()).toBeNull();

    const first = await open(join(dir, 'first', 'pglite'), templates);
    expect(first.progress.at(-1)).toMatch(/^Embedded database created in [\d.]+s$/);
    expect(templates.read()?.dir).toBe(join(dir, 'cache'));
    const byInitdb = await describeDatabase(first.db);
    await first.close();

    const second = await open(join(dir, 'second', 'pglite'), templates);
    expect(second.progress[0]).toMatch(/Creating the embedded database in .*second\/pglite \(first run only/);
    expect(second.progress.at(-1)).toMatch(/^Embedded database created in [\d.]+s from the cached template$/);
    const fromTemplate = await describeDatabase(second.db);
    expect(fromTemplate).toEqual(byInitdb);
    expect(fromTemplate.settings).toContainEqual({ name: 'max_wal_size', setting: '128', source: 'command line' });
    expect(fromTemplate.databases).toContainEqual(expect.objectContaining({ datname: 'postgres', encoding: 'UTF8' }));

    // It is a database of its own, on disk: what is written stays after a reopen, and the template is untouched.
    await second.db.exec('create schema kpi_sandbox; create table kpi_sandbox.t as select g from generate_series(1, 1000) g');
    await second.close();
    const reopened = await open(join(dir, 'second', 'pglite'), templates);
    expect(reopened.progress).toEqual([]);
    expect((await reopened.db.query('select count(*)::int as n from kpi_sandbox.t')).rows).toEqual([{ n: 1000 }]);
    await reopened.close();
    const third = await open(undefined, templates);
    expect((await third.db.query("select count(*)::int as n from pg_namespace where nspname = 'kpi_sandbox'")).rows).toEqual([{ n: 0 }]);
    await third.close();
  });

  it('is ignored when corrupt, of another PGlite or other options: the database is made by initdb, with no error', async () => {
    const cacheDir = join(dir, 'corrupt-cache');
    const templates = new PgliteTemplateCache([cacheDir]);
    expect(await ensurePgliteTemplate(templates)).toBe('written');
    expect(await ensurePgliteTemplate(templates)).toBe('present');
    const tarFile = templates.files(cacheDir).tar;

    // Bytes changed after it was written: the sha256 beside it no longer matches.
    const good = readFileSync(tarFile);
    const damaged = Buffer.from(good);
    damaged[Math.floor(damaged.length / 2)] ^= 0xff;
    writeFileSync(tarFile, damaged);
    expect(templates.read()).toBeNull();
    const afterDamage = await open(join(dir, 'damaged', 'pglite'), templates);
    expect(afterDamage.progress.at(-1)).toMatch(/^Embedded database created in [\d.]+s$/);
    expect((await afterDamage.db.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await afterDamage.close();
    // The initdb that stood in made a new, valid template.
    expect(templates.read()).not.toBeNull();

    // A template of another key (another PGlite version, other initdb options) is not read.
    expect(new PgliteTemplateCache([cacheDir], 'pglite-0.0.1-000000000000').read()).toBeNull();

    // A file whose checksum matches but which is no tar of a data directory is not read either.
    const garbage = gzipSync(Buffer.from('not a tar of a data directory'.repeat(100)));
    writeTemplate(templates, cacheDir, garbage);
    expect(templates.read()).toBeNull();

    // A whole tar of a data directory that PGlite refuses (its control file damaged): kpi
    // removes what it unpacked, forgets the template and runs initdb.
    const tar = gunzipSync(good);
    expect(isDataDirectoryTar(tar)).toBe(true);
    const control = entryData(tar, 'global/pg_control');
    for (let index = 0; index < 64; index += 1) control[index] ^= 0x5a;
    writeTemplate(templates, cacheDir, gzipSync(tar));
    expect(templates.read()).not.toBeNull();
    const afterRefusal = await open(join(dir, 'refused', 'pglite'), templates);
    expect(afterRefusal.progress.at(-1)).toMatch(/^Embedded database created in [\d.]+s$/);
    expect((await afterRefusal.db.query("select current_setting('server_encoding') as encoding")).rows).toEqual([{ encoding: 'UTF8' }]);
    await afterRefusal.close();
    // The refused template was forgotten, and initdb's result took its place.
    expect(isDataDirectoryTar(gunzipSync(readFileSync(tarFile)))).toBe(true);
    expect(
      entryData(gunzipSync(readFileSync(tarFile)), 'global/pg_control')
        .subarray(0, 64)
        .equals(control.subarray(0, 64)),
    ).toBe(false);
    expect(templates.read()).not.toBeNull();
  });

  it('lives under KPI_CACHE_DIR when set, is off with KPI_CACHE_DIR=off, else beside the installed PGlite then in the OS cache folder', () => {
    expect(templateCacheDirs({ KPI_CACHE_DIR: '/somewhere' })).toEqual(['/somewhere']);
    expect(templateCacheDirs({ KPI_CACHE_DIR: 'off' })).toEqual([]);
    const dirs = templateCacheDirs({ XDG_CACHE_HOME: '/xdg' });
    expect(dirs[0]).toMatch(/node_modules[/\\]\.cache[/\\]kpi$/);
    expect(existsSync(join(dirs[0], '..', '..', '@electric-sql', 'pglite', 'package.json'))).toBe(true);
    if (process.platform === 'linux') expect(dirs[1]).toBe(join('/xdg', 'kpi'));
  });
});
