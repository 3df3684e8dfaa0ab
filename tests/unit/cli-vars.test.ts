import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCliVars, simpleFlowMapping } from '../../src/template/vars.js';

/** Texts --vars is given: the simple ones are read without the YAML package, and must read exactly as YAML reads them. */
const TEXTS = [
  "{demo_end_date: '2026-12-05'}",
  '{"a": 1, "b": "x"}',
  '{a: 1,b: 2}',
  `{a: 'it''s', b: "q"}`,
  '{a: -0}',
  '{a: 0}',
  '{a: -12}',
  '{a: 123456789012345}',
  '{a: true, b: null, c: false}',
  "{ a : 'x' }",
  '{}',
  ' { } ',
  "{'k y': 1}",
  "{a: '#x'}",
  '{a: ""}',
  "{a: ''}",
  '{_x: 1}',
  '{a\t: 1}',
  '{a:\t1}',
  // Left to YAML, which reads each its own way:
  '{a:1}',
  '{a: 1,}',
  '{a: 007}',
  '{a: True}',
  '{true: 1}',
  '{a: 1 # c\n}',
  '{a: 12345678901234567}',
  '{a: 1.5}',
  '{a: 2026-12-05}',
  '{__proto__: 1}',
  "{a: 'x', b: {c: 1}}",
  '{a: "tab\\there"}',
  "{a: 'two\nlines'}",
  'a: 1',
];

describe('--vars', () => {
  it.each(TEXTS)('%j reads as YAML reads it', (text) => {
    const simple = simpleFlowMapping(text);
    const yaml = parse(text) as Record<string, unknown>;
    if (simple === null) return;
    expect(Object.keys(simple)).toEqual(Object.keys(yaml));
    for (const key of Object.keys(yaml)) expect(Object.is(simple[key], yaml[key])).toBe(true);
    expect(parseCliVars(text)).toEqual(yaml);
  });

  it('reads the daily command without YAML, and leaves what it is unsure of to YAML', () => {
    expect(simpleFlowMapping("{demo_end_date: '2026-12-05', entities: 3, full: false}")).toEqual({ demo_end_date: '2026-12-05', entities: 3, full: false });
    for (const text of ['{a: 2026-12-05}', '{a: 1.5}', '{a: 1, a: 2}', '{a: True}', '{a: 1,}']) expect(simpleFlowMapping(text)).toBeNull();
    expect(parseCliVars('{a: 2026-12-05, b: 1.5}')).toEqual({ a: '2026-12-05', b: 1.5 });
    expect(() => parseCliVars('{a: 1, a: 2}')).toThrow(/--vars is not valid YAML/);
  });
});
