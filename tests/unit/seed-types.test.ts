import { describe, expect, it } from 'vitest';
import { BIGINT, BOOLEAN, DATE, INTEGER, NUMERIC, TEXT_ONLY, TIMESTAMP, TIMESTAMPTZ, classifyText } from '../../src/seeds/classify-value.js';
import { scanSeed } from '../../src/seeds/seed-scanner.js';
import type { SeedOptions } from '../../src/seeds/seed-options.js';
import { valueChecker } from '../../src/seeds/value-checker.js';

const defaults: SeedOptions = { delimiter: ',', columnTypes: {}, quoteColumns: true };

/** The type inferred for a one-column seed holding these values, one a line. */
function inferred(...values: string[]): string {
  const scan = scanSeed(Buffer.from(['v', ...values].join('\n')), 'seeds/x.csv', defaults);
  return scan.columns[0].type;
}

describe('value classes', () => {
  it('reads integers by range, with no leading zeros, signs or spaces', () => {
    expect(classifyText('0')).toBe(INTEGER | BIGINT | NUMERIC);
    expect(classifyText('-17')).toBe(INTEGER | BIGINT | NUMERIC);
    expect(classifyText('2147483647')).toBe(INTEGER | BIGINT | NUMERIC);
    expect(classifyText('-2147483648')).toBe(INTEGER | BIGINT | NUMERIC);
    expect(classifyText('2147483648')).toBe(BIGINT | NUMERIC);
    expect(classifyText('-2147483649')).toBe(BIGINT | NUMERIC);
    expect(classifyText('9223372036854775807')).toBe(BIGINT | NUMERIC);
    expect(classifyText('-9223372036854775808')).toBe(BIGINT | NUMERIC);
    expect(classifyText('9223372036854775808')).toBe(NUMERIC);
    expect(classifyText('123456789012345678901234567890')).toBe(NUMERIC);
    for (const text of ['007', '00', '-01', '+5', ' 5', '5 ', '1,000', '1_000', '0x1A', '-', '']) expect(classifyText(text), text).toBe(TEXT_ONLY);
  });

  it('reads decimals and exponents as numeric, keeping leading-zero codes text', () => {
    for (const text of ['1.5', '-0.25', '0.0', '10.50', '1e3', '2.5E-7', '6.02e+23']) expect(classifyText(text), text).toBe(NUMERIC);
    for (const text of ['00.5', '.5', '5.', '1e', '1e1234', '1.2.3', 'NaN', 'Infinity', '1.5%', '$3']) expect(classifyText(text), text).toBe(TEXT_ONLY);
  });

  it('reads true and false in any case as booleans, and nothing else', () => {
    for (const text of ['true', 'false', 'TRUE', 'False']) expect(classifyText(text), text).toBe(BOOLEAN);
    for (const text of ['t', 'f', 'yes', 'no', 'truth', 'on']) expect(classifyText(text), text).toBe(TEXT_ONLY);
  });

  it('reads ISO dates and timestamps that exist on the calendar', () => {
    expect(classifyText('2024-02-29')).toBe(DATE | TIMESTAMP);
    expect(classifyText('2025-12-31')).toBe(DATE | TIMESTAMP);
    for (const text of ['2025-02-29', '2024-13-01', '2024-04-31', '0000-01-01', '2024-1-01', '24-01-01', '2024/01/01', '01/02/2024']) {
      expect(classifyText(text), text).toBe(TEXT_ONLY);
    }
    for (const text of ['2024-02-29 23:59:59', '2024-02-29T00:00', '2024-02-29 10:11:12.123456']) expect(classifyText(text), text).toBe(TIMESTAMP);
    for (const text of ['2024-02-29T10:00:00Z', '2024-02-29 10:00:00+02:00', '2024-02-29 10:00:00-0530', '2024-02-29T10:00+01']) expect(classifyText(text), text).toBe(TIMESTAMPTZ);
    for (const text of ['2024-02-29 24:00:00', '2024-02-29 10:60', '2024-02-29 10:00:00.1234567', '2024-02-29 10:00:00 UTC', '2024-02-29T']) {
      expect(classifyText(text), text).toBe(TEXT_ONLY);
    }
  });
});

describe('column type inference', () => {
  it('picks the narrowest type every non-null value fits, over all rows', () => {
    expect(inferred('1', '2', '3')).toBe('integer');
    expect(inferred('1', '3000000000')).toBe('bigint');
    expect(inferred('1', '2.5')).toBe('numeric');
    expect(inferred('1', '99999999999999999999')).toBe('numeric');
    expect(inferred('true', 'FALSE')).toBe('boolean');
    expect(inferred('2024-01-01', '2024-01-02')).toBe('date');
    expect(inferred('2024-01-01', '2024-01-02 10:00:00')).toBe('timestamp');
    expect(inferred('2024-01-01T10:00:00Z', '2024-01-02T10:00:00+01:00')).toBe('timestamptz');
  });

  it('falls back to text when one value in a million does not fit', () => {
    const values = Array.from({ length: 1000 }, (_, i) => String(i + 1));
    expect(inferred(...values, '12a')).toBe('text');
    expect(inferred('007', '8')).toBe('text');
    expect(inferred('1', 'true')).toBe('text');
    expect(inferred('2024-01-01', '2024-01-01T10:00:00Z')).toBe('text');
    expect(inferred('2024-01-01 10:00', '2024-01-01T10:00:00Z')).toBe('text');
  });

  it('ignores NULLs: empty fields and the words dbt reads as NULL', () => {
    expect(inferred('1', '', '2')).toBe('integer');
    expect(inferred('1', 'null', 'NULL', ' Null ', '  ', '2')).toBe('integer');
  });

  it("types a column with no values at all as integer, as dbt Core does (agate's Integer accepts NULL)", () => {
    expect(inferred('', '')).toBe('integer');
    expect(inferred('null', '  ')).toBe('integer');
  });

  it('reads quoted values like unquoted ones, unless they hold quotes', () => {
    expect(inferred('"1"', '"2"')).toBe('integer');
    expect(inferred('"2024-01-01"')).toBe('date');
    expect(inferred('"1"""')).toBe('text');
  });

  it('keeps column_types over inference, any Postgres type', () => {
    const scan = scanSeed(Buffer.from('zip,amount,tags\n007,1,a\n'), 'seeds/x.csv', { ...defaults, columnTypes: { zip: 'varchar(5)', amount: 'numeric(12,2)', tags: 'text[]' } });
    expect(scan.columns.map((column) => [column.name, column.type, column.declared])).toEqual([
      ['zip', 'varchar(5)', true],
      ['amount', 'numeric(12,2)', true],
      ['tags', 'text[]', true],
    ]);
  });
});

describe('column_types value checks', () => {
  const problem = (type: string, value: string) => valueChecker(type)?.(value) ?? null;

  it('checks integers by range, the way Postgres reads them', () => {
    expect(problem('integer', ' 007 ')).toBeNull();
    expect(problem('integer', '+5')).toBeNull();
    expect(problem('int', '2147483648')).toMatch(/out of range/);
    expect(problem('bigint', '2147483648')).toBeNull();
    expect(problem('smallint', '40000')).toMatch(/out of range/);
    expect(problem('integer', '1.5')).toMatch(/not an integer/);
  });

  it('checks numerics, floats, booleans and lengths', () => {
    expect(problem('numeric', '1e5')).toBeNull();
    expect(problem('numeric', 'NaN')).toBeNull();
    expect(problem('numeric(5,2)', '123.456')).toBeNull();
    expect(problem('numeric(5,2)', '1234.5')).toMatch(/at most 3 digits/);
    expect(problem('decimal', 'abc')).toMatch(/not a number/);
    expect(problem('double precision', '-Infinity')).toBeNull();
    expect(problem('boolean', 'yes')).toBeNull();
    expect(problem('bool', 'OFF')).toBeNull();
    expect(problem('boolean', 'o')).toMatch(/not a boolean/);
    expect(problem('boolean', 'maybe')).toMatch(/not a boolean/);
    expect(problem('varchar(2)', 'US')).toBeNull();
    expect(problem('varchar(2)', 'US   ')).toBeNull();
    expect(problem('character varying(2)', 'USA')).toMatch(/too long/);
    expect(problem('char(3)', 'äöü')).toBeNull();
  });

  it('leaves types it cannot judge exactly to Postgres', () => {
    for (const type of ['date', 'timestamp', 'uuid', 'jsonb', 'text', 'int[]', 'public.mood']) expect(valueChecker(type), type).toBeNull();
  });
});
