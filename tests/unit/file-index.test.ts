import { mkdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileIndexBuilder, fileIndexUnchanged, isFileIndex, type FileIndex } from '../../src/support/file-index.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

describe('the file index a replayed compile checks', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) removeDir(dir);
  });

  /** A project whose files are all an hour old, and its index (target/ left out, a missing profiles.yml looked for). */
  function indexed(): { dir: string; index: FileIndex } {
    const dir = makeProject({
      'kpi_project.yml': 'name: p\n',
      'models/a.sql': 'select 1',
      'models/deep/b.sql': 'select 2',
      '.hidden/x.sql': 'select 3',
      'target/partial_parse.json': '{}',
    });
    dirs.push(dir);
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const path of ['kpi_project.yml', 'models/a.sql', 'models/deep/b.sql', 'models/deep', 'models', '.']) utimesSync(join(dir, path), hourAgo, hourAgo);
    const builder = new FileIndexBuilder(dir, (absolute) => absolute === join(dir, 'target'));
    builder.tree(dir);
    builder.file(join(dir, 'profiles.yml'));
    expect(builder.touchedSince(Date.now() - 60_000)).toBe(false);
    const index = builder.index!;
    expect(isFileIndex(JSON.parse(JSON.stringify(index)))).toBe(true);
    return { dir, index };
  }

  it('holds while nothing changed, whatever happens in left-out folders', () => {
    const { dir, index } = indexed();
    writeFileSync(join(dir, 'target', 'partial_parse.json'), '{"changed":true}');
    writeFileSync(join(dir, '.hidden', 'y.sql'), 'select 4');
    expect(fileIndexUnchanged(dir, index)).toBe(true);
  });

  it.each([
    ['a file edited in place to the same size', (dir: string) => writeFileSync(join(dir, 'models/a.sql'), 'select 9')],
    [
      'a file edited and given its old time back, but longer',
      (dir: string) => {
        writeFileSync(join(dir, 'models/a.sql'), 'select 10');
        const hourAgo = new Date(Date.now() - 3_600_000);
        utimesSync(join(dir, 'models/a.sql'), hourAgo, hourAgo);
      },
    ],
    ['a new file in a subfolder', (dir: string) => writeFileSync(join(dir, 'models/deep/c.sql'), 'select 3')],
    ['a deleted file', (dir: string) => rmSync(join(dir, 'models/deep/b.sql'))],
    ['a renamed file', (dir: string) => renameSync(join(dir, 'models/a.sql'), join(dir, 'models/z.sql'))],
    ['a new folder', (dir: string) => mkdirSync(join(dir, 'seeds'))],
    ['a profiles.yml where there was none', (dir: string) => writeFileSync(join(dir, 'profiles.yml'), 'p: {}\n')],
  ])('fails after %s', (_, change) => {
    const { dir, index } = indexed();
    change(dir);
    expect(fileIndexUnchanged(dir, index)).toBe(false);
  });

  it('says when a file was modified after a moment (while a compile ran)', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1' });
    dirs.push(dir);
    const started = Date.now() - 1000;
    const builder = new FileIndexBuilder(dir, () => false);
    builder.tree(dir);
    expect(builder.touchedSince(started)).toBe(true);
  });

  it('lists deferred files without their numbers until complete() gives them, as read or looked up then', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1', 'models/b.sql': 'select 22', 'models/c.sql': 'select 333', 'models/schema.yml': 'version: 2\n' });
    dirs.push(dir);
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const path of ['models/a.sql', 'models/b.sql', 'models/c.sql', 'models/schema.yml', 'models', '.']) utimesSync(join(dir, path), hourAgo, hourAgo);
    const builder = new FileIndexBuilder(
      dir,
      () => false,
      (absolute) => absolute.endsWith('.sql'),
    );
    builder.tree(dir);
    expect(builder.index).toBeNull();
    // a.sql as a parse read it (its numbers then), b.sql not read (looked up now), c.sql gone meanwhile.
    rmSync(join(dir, 'models/c.sql'));
    builder.complete(new Map([[join(dir, 'models/a.sql'), { size: 8, mtimeMs: hourAgo.getTime() }]]));
    const [, , names, numbers] = builder.index!.dirs.find(([path]) => path === 'models')!;
    expect(names.split('\n')).toEqual(['a.sql', 'b.sql', 'c.sql', 'schema.yml']);
    const timeOf = (path: string) => statSync(join(dir, path)).mtimeMs;
    expect(numbers).toEqual([8, hourAgo.getTime(), 9, timeOf('models/b.sql'), -1, -1, 11, timeOf('models/schema.yml')]);
    expect(fileIndexUnchanged(dir, builder.index!)).toBe(false);
  });

  it('takes as read what a parse read: a file edited after its read, even to an earlier time, fails the next check', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1' });
    dirs.push(dir);
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const path of ['models/a.sql', 'models', '.']) utimesSync(join(dir, path), hourAgo, hourAgo);
    const builder = new FileIndexBuilder(
      dir,
      () => false,
      (absolute) => absolute.endsWith('.sql'),
    );
    builder.tree(dir);
    writeFileSync(join(dir, 'models/a.sql'), 'select 2');
    const twoHoursAgo = new Date(Date.now() - 7_200_000);
    utimesSync(join(dir, 'models/a.sql'), twoHoursAgo, twoHoursAgo);
    builder.complete(new Map([[join(dir, 'models/a.sql'), { size: 8, mtimeMs: hourAgo.getTime() }]]));
    expect(fileIndexUnchanged(dir, builder.index!)).toBe(false);
  });

  it('settles a folder whose only new entries are left out (target/, dot folders), and not one with a new file', () => {
    const dir = makeProject({ 'kpi_project.yml': 'name: p\n', 'models/a.sql': 'select 1' });
    dirs.push(dir);
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const path of ['kpi_project.yml', 'models/a.sql', 'models', '.']) utimesSync(join(dir, path), hourAgo, hourAgo);
    const modelsTime = statSync(join(dir, 'models')).mtimeMs;
    const builder = new FileIndexBuilder(dir, (absolute) => absolute === join(dir, 'target'));
    builder.tree(dir);
    // What a command writes into the project folder itself: the left-out target/ and .kpi/.
    mkdirSync(join(dir, 'target'));
    mkdirSync(join(dir, '.kpi'));
    // And a file someone added meanwhile to models/.
    writeFileSync(join(dir, 'models/b.sql'), 'select 2');
    builder.settle();
    const index = builder.index!;
    expect(index.dirs.find(([path]) => path === '.')![1]).toBe(statSync(dir).mtimeMs);
    expect(statSync(dir).mtimeMs).not.toBe(statSync(join(dir, 'kpi_project.yml')).mtimeMs);
    expect(index.dirs.find(([path]) => path === 'models')![1]).toBe(modelsTime);
    expect(fileIndexUnchanged(dir, index)).toBe(false);
    rmSync(join(dir, 'models/b.sql'));
    utimesSync(join(dir, 'models'), hourAgo, hourAgo);
    expect(fileIndexUnchanged(dir, index)).toBe(true);
  });

  it('rejects indexes of the wrong shape', () => {
    expect(isFileIndex({ dirs: [['.', null, 'a.sql\nb.sql', [1, 2]]], absent: [] })).toBe(false);
    expect(isFileIndex({ dirs: [['.', 'x', '', []]], absent: [] })).toBe(false);
    expect(isFileIndex({ dirs: [['.', null, 'a.sql', [1, '2']]], absent: [] })).toBe(false);
    expect(isFileIndex({ dirs: [], absent: [1] })).toBe(false);
    expect(isFileIndex({ dirs: [['.', 5, 'a.sql', [1, 2]]], absent: ['x'] })).toBe(true);
  });
});
