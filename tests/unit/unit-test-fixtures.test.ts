import { describe, expect, it } from 'vitest';
import { diffRows } from '../../src/runner/unit-test/diff-rows.js';
import { fixtureSql, inferColumns } from '../../src/runner/unit-test/fixture-sql.js';
import { formatRowDiff } from '../../src/runner/unit-test/format-row-diff.js';
import { inferColumnType } from '../../src/runner/unit-test/infer-column-type.js';
import { normalizeValue } from '../../src/runner/unit-test/normalize-value.js';
import { parseCsvRows } from '../../src/project/unit-tests/parse-csv-rows.js';
import { parseInput } from '../../src/project/unit-tests/parse-input.js';
import type { Fixture } from '../../src/project/unit-tests/types.js';
import { KpiError } from '../../src/errors.js';

const at = { file: 'models/unit_tests.yml', line: 4, column: 7 };

function fixture(format: Fixture['format'], rows: Fixture['rows']): Fixture {
  return { format, rows, sql: null, fixture: null, location: at };
}

describe('unit test inputs and fixtures', () => {
  it('reads given inputs as dbt writes them', () => {
    expect(parseInput("ref('stg_orders')")).toEqual({ kind: 'ref', name: 'stg_orders', package: null });
    expect(parseInput(' ref("shop", "stg_orders") ')).toEqual({ kind: 'ref', name: 'stg_orders', package: 'shop' });
    expect(parseInput("ref('stg_orders', v=2)")).toEqual({ kind: 'ref', name: 'stg_orders', package: null });
    expect(parseInput("source('raw', 'orders')")).toEqual({ kind: 'source', sourceName: 'raw', table: 'orders' });
    expect(parseInput('this')).toEqual({ kind: 'this' });
    expect(parseInput('ref(stg_orders)')).toBeNull();
    expect(parseInput("source('raw')")).toBeNull();
  });

  it('reads CSV with nulls for empty fields and aligned columns', () => {
    expect(parseCsvRows('id, name,  note\n1,  ada,\n2,"  bob",""\n')).toEqual([
      { id: '1', name: 'ada', note: null },
      { id: '2', name: '  bob', note: null },
    ]);
  });

  it('types columns from values when there is no relation to copy types from', () => {
    expect(inferColumnType([1, 2, null], false)).toBe('integer');
    expect(inferColumnType([1, 2.5], false)).toBe('numeric');
    expect(inferColumnType([1, 3000000000], false)).toBe('bigint');
    expect(inferColumnType([true, false], false)).toBe('boolean');
    expect(inferColumnType(['2024-02-29', '2024-03-01 10:00:00'], false)).toBe('timestamp');
    expect(inferColumnType([{ a: 1 }], false)).toBe('jsonb');
    expect(inferColumnType([null], false)).toBe('text');
    // YAML typed dict values already: a quoted '007' is text. CSV values are all text, so they are read.
    expect(inferColumnType(['007'], false)).toBe('text');
    expect(inferColumnType(['007', '12'], true)).toBe('integer');
    expect(inferColumnType(['1.50', '2'], true)).toBe('numeric');
    expect(inferColumnType(['TRUE', 'false'], true)).toBe('boolean');
    expect(inferColumnType(['1', 'x'], true)).toBe('text');
  });

  it('builds a fixture SELECT with every column, nulls for those a row leaves out', () => {
    const rows = fixture('dict', [
      { id: 1, name: "o'neil" },
      { ID: 2, tags: ['a'] },
    ]);
    const columns = [
      { name: 'id', type: 'integer' },
      { name: 'name', type: 'character varying(20)' },
      { name: 'tags', type: 'jsonb' },
    ];
    expect(fixtureSql(rows, columns, 'input')).toBe(
      [
        `select cast('1' as integer) as "id", cast('o''neil' as character varying(20)) as "name", cast(null as jsonb) as "tags"`,
        'union all',
        `select cast('2' as integer) as "id", cast(null as character varying(20)) as "name", cast('["a"]' as jsonb) as "tags"`,
      ].join('\n'),
    );
    expect(fixtureSql(fixture('dict', []), columns.slice(0, 1), 'input')).toBe(`select cast(null as integer) as "id" where false`);
    expect(
      inferColumns(
        fixture('csv', [
          { id: '1', day: '2024-01-01' },
          { id: '2', note: 'x' },
        ]),
      ),
    ).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'day', type: 'date' },
      { name: 'note', type: 'text' },
    ]);
    const error = (() => {
      try {
        fixtureSql(fixture('dict', [{ colour: 'red' }]), columns, "input ref('x')");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(KpiError);
    expect(error).toMatchObject({ code: 'KPI_UNIT_TEST_INVALID', location: at, message: "input ref('x') has a column 'colour', which is not one of its columns: id, name, tags" });
  });

  it('compares values that print differently but are equal', () => {
    expect(normalizeValue('110.50', 1700)).toBe(normalizeValue('110.5', 1700));
    expect(normalizeValue('20.00', 1700)).toBe('20');
    expect(normalizeValue('-0.0', 1700)).toBe('0');
    expect(normalizeValue('110.50', 25)).toBe('110.50');
    expect(normalizeValue({ b: 1, a: [2, { d: 3, c: 4 }] }, 3802)).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
    expect(normalizeValue(new Date('2024-01-01T00:00:00Z'), 1184)).toBe('2024-01-01T00:00:00.000Z');
    expect(normalizeValue(null, 23)).toBeNull();
  });

  it('compares rows as multisets and prints an aligned diff', () => {
    const diff = diffRows(
      [
        ['1', 'a'],
        ['1', 'a'],
        ['2', null],
      ],
      [
        ['1', 'a'],
        ['2', 'b'],
        ['3', 'c'],
      ],
    );
    expect(diff).toEqual({
      onlyActual: [
        ['1', 'a'],
        ['2', null],
      ],
      onlyExpected: [
        ['2', 'b'],
        ['3', 'c'],
      ],
      matched: [['1', 'a']],
    });
    expect(formatRowDiff(['id', 'name'], diff)).toBe(
      [
        'actual differs from expected: 2 rows only in actual (+), 2 rows only in expected (-), 1 in both',
        '',
        '  | id | name',
        '  | 1  | a',
        '+ | 1  | a',
        '+ | 2  | null',
        '- | 2  | b',
        '- | 3  | c',
      ].join('\n'),
    );
    // Long outputs show the differing rows only, and say what was left out.
    const many = diffRows(
      Array.from({ length: 60 }, (_, index) => [String(index)]),
      Array.from({ length: 59 }, (_, index) => [String(index)]),
    );
    const text = formatRowDiff(['n'], many).split('\n');
    expect(text.slice(2)).toEqual(['  | n', '+ | 59', '(59 matching rows not shown)']);
  });
});
