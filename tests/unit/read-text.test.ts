import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readText } from '../../src/support/read-text.js';

const dir = mkdtempSync(join(tmpdir(), 'kpi-read-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reading a cache file as text', () => {
  it.each([
    ['ASCII', '{"sql":"select 1 -- \\u00e9"}'],
    ['UTF-8 beyond ASCII', "{\"sql\":\"select 'é', '日本', '🙂' as s\"}"],
    ['a byte of 0x7f', 'a\u007fb'],
    ['nothing', ''],
  ])('gives the text it was written with: %s', (_, text) => {
    const path = join(dir, 'file.json');
    writeFileSync(path, text);
    expect(readText(path)).toBe(text);
  });
});
