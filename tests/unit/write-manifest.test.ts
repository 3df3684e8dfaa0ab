import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '../../src/api.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import type { Manifest } from '../../src/manifest/types.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';

const target: TargetConfig = { type: 'pglite', name: 'dev', profileName: 'test', schema: 'wm', threads: 1, path: null };
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

function project(): string {
  const dir = makeProject({
    'kpi_project.yml': 'name: wm\n',
    'models/a.sql': "select 1 as id, 'é' as s",
    'models/b.sql': "select * from {{ ref('a') }}",
  });
  dirs.push(dir);
  return dir;
}

const manifestPath = (dir: string) => join(dir, 'target', 'manifest.json');
const read = (dir: string) => JSON.parse(readFileSync(manifestPath(dir), 'utf8')) as Manifest;
/** The manifest as written, without what changes every invocation. */
const body = (dir: string) => {
  const { metadata: _, ...rest } = read(dir);
  return JSON.stringify(rest);
};
const parseAt = (dir: string, invocationId: string, now: string, partialParse = true) => parse({ projectDir: dir, targetConfig: target, invocationId, now: new Date(now), partialParse, env: {} });

describe('manifest.json after an unchanged parse', () => {
  it('has the new invocation id and time, and the same nodes as a full write', async () => {
    const dir = project();
    await parseAt(dir, '11111111-1111-1111-1111-111111111111', '2026-01-01T00:00:00.000Z');
    const first = body(dir);
    const writtenAt = statSync(manifestPath(dir)).mtimeMs;
    await parseAt(dir, '22222222-2222-2222-2222-222222222222', '2026-01-02T00:00:00.000Z');
    expect(read(dir).metadata).toMatchObject({ invocation_id: '22222222-2222-2222-2222-222222222222', generated_at: '2026-01-02T00:00:00.000Z' });
    expect(body(dir)).toBe(first);
    expect(statSync(manifestPath(dir)).mtimeMs).toBeGreaterThanOrEqual(writtenAt);

    // Proof that only the metadata was written: a marker planted in the body (the record made to agree) stays.
    const recordPath = join(dir, 'target', '.kpi-manifest.json');
    writeFileSync(manifestPath(dir), readFileSync(manifestPath(dir), 'utf8').replace('"relation_name":', '"relation_namX":'));
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as Record<string, unknown>;
    const planted = statSync(manifestPath(dir));
    writeFileSync(recordPath, JSON.stringify({ ...record, size: planted.size, mtimeMs: planted.mtimeMs }));
    await parseAt(dir, '99999999-9999-9999-9999-999999999999', '2026-01-09T00:00:00.000Z');
    expect(readFileSync(manifestPath(dir), 'utf8')).toContain('"relation_namX":');
    expect(read(dir).metadata.invocation_id).toBe('99999999-9999-9999-9999-999999999999');
    writeFileSync(recordPath, '{}');
    await parseAt(dir, '22222222-2222-2222-2222-222222222222', '2026-01-02T00:00:00.000Z');
    expect(readFileSync(manifestPath(dir), 'utf8')).not.toContain('"relation_namX":');
    expect(body(dir)).toBe(first);
    // A full write (no partial parse: the nodes' parse time is this one's) gives the same text, parse times aside.
    const withoutParseTimes = () => readFileSync(manifestPath(dir), 'utf8').replace(/"created_at":[0-9.]+/g, '');
    const spliced = withoutParseTimes();
    await parseAt(dir, '22222222-2222-2222-2222-222222222222', '2026-01-02T00:00:00.000Z', false);
    expect(withoutParseTimes() === spliced).toBe(true);
  });

  it('is written whole when it was deleted, edited or damaged, when its record is damaged, and when a model changed', async () => {
    const dir = project();
    await parseAt(dir, '11111111-1111-1111-1111-111111111111', '2026-01-01T00:00:00.000Z');
    const expected = body(dir);

    rmSync(manifestPath(dir));
    await parseAt(dir, '33333333-3333-3333-3333-333333333333', '2026-01-03T00:00:00.000Z');
    expect(body(dir)).toBe(expected);
    expect(read(dir).metadata.invocation_id).toBe('33333333-3333-3333-3333-333333333333');

    // Same size, another time: someone wrote over it.
    const text = readFileSync(manifestPath(dir), 'utf8');
    writeFileSync(manifestPath(dir), text.replace('"nodes":{', '"nodez":{'));
    await parseAt(dir, '44444444-4444-4444-4444-444444444444', '2026-01-04T00:00:00.000Z');
    expect(body(dir)).toBe(expected);

    // Damaged, with its size and time put back: the head is checked.
    const size = statSync(manifestPath(dir)).size;
    const { mtime } = statSync(manifestPath(dir));
    writeFileSync(manifestPath(dir), 'x'.repeat(size));
    utimesSync(manifestPath(dir), mtime, mtime);
    await parseAt(dir, '55555555-5555-5555-5555-555555555555', '2026-01-05T00:00:00.000Z');
    expect(body(dir)).toBe(expected);
    expect(read(dir).metadata.invocation_id).toBe('55555555-5555-5555-5555-555555555555');

    writeFileSync(join(dir, 'target', '.kpi-manifest.json'), '{ damaged');
    await parseAt(dir, '66666666-6666-6666-6666-666666666666', '2026-01-06T00:00:00.000Z');
    expect(body(dir)).toBe(expected);
    expect(read(dir).metadata.invocation_id).toBe('66666666-6666-6666-6666-666666666666');

    writeFile(dir, 'models/b.sql', "select id from {{ ref('a') }}");
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'models/b.sql'), later, later);
    await parseAt(dir, '77777777-7777-7777-7777-777777777777', '2026-01-07T00:00:00.000Z');
    expect(read(dir).nodes['model.wm.b'].raw_code).toBe("select id from {{ ref('a') }}");
    expect(read(dir).metadata.invocation_id).toBe('77777777-7777-7777-7777-777777777777');
  });
});
