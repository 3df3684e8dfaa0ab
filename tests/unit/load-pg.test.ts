import { describe, expect, it } from 'vitest';
import { loadPg } from '../../src/adapters/postgres/load-pg.js';

describe('loading pg', () => {
  it('gives the pg package and leaves the global navigator as it found it', () => {
    const before = 'navigator' in globalThis;
    const pg = loadPg();
    expect(typeof pg.Pool).toBe('function');
    expect(typeof pg.Client).toBe('function');
    expect(typeof pg.types.getTypeParser).toBe('function');
    expect('navigator' in globalThis).toBe(before);
    expect(loadPg()).toBe(pg);
  });
});
