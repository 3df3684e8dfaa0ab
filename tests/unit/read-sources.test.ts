import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { SourceReader, readSourceFile } from '../../src/support/read-sources.js';

const dir = mkdtempSync(join(tmpdir(), 'kpi-read-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Files of different sizes, one with multi-byte characters split across the reader's reads. */
function makeFiles(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const path = join(dir, `${prefix}_${i}.sql`);
    writeFileSync(path, `select ${i} as n -- ${'é'.repeat(i % 50)} ${'x'.repeat(i * 7)}\n`);
    return path;
  });
}

describe('readSourceFile', () => {
  it('gives the text readFileSync gives and the stats statSync gives', () => {
    const [path] = makeFiles('one', 1);
    const file = readSourceFile(path);
    expect(file.text).toBe(readFileSync(path, 'utf8'));
    expect(file.size).toBe(statSync(path).size);
    expect(file.mtimeMs).toBe(statSync(path).mtimeMs);
  });

  it('fails as readFileSync does on a missing file', () => {
    expect(() => readSourceFile(join(dir, 'missing.sql'))).toThrow(/ENOENT/);
  });
});

describe('SourceReader', () => {
  it('reads ahead on a thread: every text and its stats as read here, in any order asked', async () => {
    const paths = makeFiles('ahead', 300);
    const reader = new SourceReader();
    reader.readAhead(paths, 1);
    try {
      const asked = [...paths.slice(150), ...paths.slice(0, 150)];
      const texts = await Promise.all(asked.map((path) => reader.text(path)));
      expect(texts).toEqual(asked.map((path) => readFileSync(path, 'utf8')));
      for (const path of paths) expect(reader.readFiles.get(path)).toEqual({ size: statSync(path).size, mtimeMs: statSync(path).mtimeMs });
    } finally {
      await reader.close();
    }
  });

  it('reads a file not read ahead when it is asked for, and records no stats for a file never asked', async () => {
    const [ahead, other] = makeFiles('mixed', 2);
    const reader = new SourceReader();
    reader.readAhead([ahead], 1);
    try {
      expect(await reader.text(other)).toBe(readFileSync(other, 'utf8'));
      expect(reader.readFiles.get(other)?.size).toBe(statSync(other).size);
      expect(reader.readFiles.get(ahead)).toBeUndefined();
    } finally {
      await reader.close();
    }
  });

  it('reports a file the thread could not read as reading it here reports it', async () => {
    const paths = makeFiles('gone', 3);
    unlinkSync(paths[1]);
    const reader = new SourceReader();
    reader.readAhead(paths, 1);
    try {
      expect(await reader.text(paths[0])).toBe(readFileSync(paths[0], 'utf8'));
      await expect(reader.text(paths[1])).rejects.toThrow(/ENOENT/);
      expect(await reader.text(paths[2])).toBe(readFileSync(paths[2], 'utf8'));
    } finally {
      await reader.close();
    }
  });

  it('answers the same file asked twice at once', async () => {
    const paths = makeFiles('twice', 2);
    const reader = new SourceReader();
    reader.readAhead(paths, 1);
    try {
      const [first, second] = await Promise.all([reader.text(paths[1]), reader.text(paths[1])]);
      expect(first).toBe(readFileSync(paths[1], 'utf8'));
      expect(second).toBe(first);
    } finally {
      await reader.close();
    }
  });

  it('reads here what is asked before the thread reaches it, and the thread skips those files', async () => {
    const paths = makeFiles('claimed', 200);
    const reader = new SourceReader();
    reader.readAhead(paths, 1);
    const internals = reader as unknown as { ready: Map<string, unknown>; claims: Int32Array; worker: Worker };
    const finished = new Promise((resolve) => internals.worker.once('exit', resolve));
    try {
      // Asked at once, before the thread has started: these two are claimed here.
      const early = [reader.text(paths[0]), reader.text(paths[1])];
      expect([internals.claims[0], internals.claims[1]]).toEqual([2, 2]);
      expect(await Promise.all(early)).toEqual([readFileSync(paths[0], 'utf8'), readFileSync(paths[1], 'utf8')]);
      // The thread has read every other file, and neither of these two.
      await finished;
      expect(paths.filter((path) => internals.ready.has(path))).toEqual(paths.slice(2));
      expect([...internals.claims.slice(2)].every((claim) => claim === 1)).toBe(true);
      for (const path of paths.slice(0, 2)) expect(reader.readFiles.get(path)).toEqual({ size: statSync(path).size, mtimeMs: statSync(path).mtimeMs });
    } finally {
      await reader.close();
    }
  });

  it('starts no thread below the minimum, and reads every file here', async () => {
    const paths = makeFiles('few', 3);
    const reader = new SourceReader();
    reader.readAhead(paths);
    expect((reader as unknown as { worker: unknown }).worker).toBeNull();
    expect(await reader.text(paths[2])).toBe(readFileSync(paths[2], 'utf8'));
    await reader.close();
  });
});
