import { describe, expect, it } from 'vitest';
import { analyzeStatement } from '../../src/materializations/planner-statistics.js';

describe('analyzeStatement', () => {
  it('analyzes every column of a table without json documents', () => {
    expect(
      analyzeStatement('"s"."t"', [
        { name: 'id', type: 'integer' },
        { name: 'v', type: 'numeric' },
      ]),
    ).toBe('analyze "s"."t"');
  });

  it('lists the other columns when the table has json or jsonb ones', () => {
    const columns = [
      { name: 'id', type: 'integer' },
      { name: 'payload', type: 'jsonb' },
      { name: 'Raw', type: 'json' },
      { name: 'Note', type: 'text' },
    ];
    expect(analyzeStatement('"s"."t"', columns)).toBe('analyze "s"."t" ("id", "Note")');
  });

  it('analyzes a table of documents alone as a whole', () => {
    expect(analyzeStatement('pg_temp."x"', [{ name: 'doc', type: 'jsonb' }])).toBe('analyze pg_temp."x"');
  });
});
