import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WrittenFiles } from '../../src/support/write-file.js';
import { ProjectRuntime } from '../../src/template/project-runtime.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kpi-caches-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const runtime = (cachePath: string) => new ProjectRuntime({ name: 'shop', dispatch: [] }, [], cachePath);
const render = (cachePath: string, source: string) => runtime(cachePath).template(`k:${source}`, source, 'models/m.sql').render({});

describe('compiled template code kept across runs', () => {
  it('reads back the code it saved, for the same file and text only', () => {
    const path = join(tempDir(), 'template_cache.json');
    const first = runtime(path);
    expect(first.template('a', 'select {{ 6 * 7 }}', 'models/m.sql').render({})).toBe('select 42');
    first.templateCache.save();
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { fingerprint: string; code: Record<string, string> };
    expect(Object.keys(saved.code)).toHaveLength(1);

    // Proof that a later run uses the saved code and not the text: a planted entry is what renders.
    const [key] = Object.keys(saved.code);
    const planted = saved.code[key].replace('6', '7');
    writeFileSync(path, JSON.stringify({ fingerprint: saved.fingerprint, code: { [key]: planted } }));
    expect(render(path, 'select {{ 6 * 7 }}')).toBe('select 49');
    // Other text (an edited model) is compiled from its text.
    expect(render(path, 'select {{ 6 * 8 }}')).toBe('select 48');
  });

  it('ignores a cache made by another compiler, and a damaged one', () => {
    const path = join(tempDir(), 'template_cache.json');
    const first = runtime(path);
    first.template('a', 'select {{ 6 * 7 }}', 'models/m.sql');
    first.templateCache.save();
    const saved = JSON.parse(readFileSync(path, 'utf8')) as { fingerprint: string; code: Record<string, string> };
    const [key] = Object.keys(saved.code);
    writeFileSync(path, JSON.stringify({ fingerprint: 'another kpi or nunjucks', code: { [key]: saved.code[key].replace('6', '7') } }));
    expect(render(path, 'select {{ 6 * 7 }}')).toBe('select 42');
    writeFileSync(path, '{ not json');
    expect(render(path, 'select {{ 6 * 7 }}')).toBe('select 42');
  });
});

describe('the template cache over many edits', () => {
  it('keeps what a run met, and drops the rest once that is under a quarter of it', () => {
    const path = join(tempDir(), 'template_cache.json');
    const first = runtime(path);
    // 1,200 old texts of files, then a run that meets 10 of them and one new text.
    for (let i = 0; i < 1200; i++) first.template(`old${i}`, `select ${i}`, `models/m${i}.sql`);
    first.templateCache.save();
    const entries = () => Object.keys((JSON.parse(readFileSync(path, 'utf8')) as { code: Record<string, string> }).code).length;
    expect(entries()).toBe(1200);
    const second = runtime(path);
    for (let i = 0; i < 10; i++) second.template(`old${i}`, `select ${i}`, `models/m${i}.sql`);
    second.template('new', 'select 5000', 'models/m0.sql');
    second.templateCache.save();
    expect(entries()).toBe(11);
    // Under 1,000 entries nothing is dropped.
    const third = runtime(path);
    for (let i = 0; i < 10; i++) third.template(`old${i}`, `select ${i}`, `models/m${i}.sql`);
    third.template('newer', 'select 6000', 'models/m1.sql');
    third.templateCache.save();
    expect(entries()).toBe(12);
  });
});

describe('compiled files written when they change', () => {
  it('leaves an unchanged file alone, rewrites a changed or deleted one, and creates folders', async () => {
    const dir = tempDir();
    const index = join(dir, 'compiled', '.kpi-written.json');
    const [a, b] = [join(dir, 'compiled', 'x', 'a.sql'), join(dir, 'compiled', 'y', 'b.sql')];
    const first = new WrittenFiles(index);
    await first.write(a, 'select 1');
    await first.write(b, 'select 2');
    await first.finish();
    expect([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')]).toEqual(['select 1', 'select 2']);
    const old = new Date('2020-01-01T00:00:00Z');
    utimesSync(a, old, old);
    utimesSync(b, old, old);

    const second = new WrittenFiles(index);
    await second.write(a, 'select 1');
    await second.write(b, 'select 3');
    await second.finish();
    expect(statSync(a).mtime.getTime()).toBe(old.getTime());
    expect(readFileSync(b, 'utf8')).toBe('select 3');

    rmSync(a);
    const third = new WrittenFiles(index);
    await third.write(a, 'select 1');
    await third.finish();
    expect(existsSync(a) && readFileSync(a, 'utf8')).toBe('select 1');
  });

  it('writes many files on a writer thread, and reports a file it could not write', async () => {
    const dir = tempDir();
    const index = join(dir, 'compiled', '.kpi-written.json');
    const path = (i: number) => join(dir, 'compiled', `f${i % 7}`, `m_${i}.sql`);
    const first = new WrittenFiles(index);
    for (let i = 0; i < 1000; i++) await first.write(path(i), `select ${i}`);
    await first.finish();
    for (const i of [0, 1, 255, 256, 511, 999]) expect(readFileSync(path(i), 'utf8')).toBe(`select ${i}`);

    const second = new WrittenFiles(index);
    for (let i = 0; i < 1000; i++) await second.write(path(i), i === 500 ? 'select changed' : `select ${i}`);
    await second.finish();
    expect(readFileSync(path(500), 'utf8')).toBe('select changed');

    // A folder that is a file: the write fails, and finish() says so.
    writeFileSync(join(dir, 'blocker'), '');
    const third = new WrittenFiles(join(dir, 'other', '.kpi-written.json'));
    for (let i = 0; i < 600; i++) await third.write(join(dir, 'blocker', `m_${i}.sql`), `select ${i}`);
    await expect(third.finish()).rejects.toThrow(/ENOTDIR|EEXIST|not a directory/i);
  });
});
