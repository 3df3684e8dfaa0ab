import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { KpiError } from '../../src/errors.js';
import { seedCopyError } from '../../src/seeds/copy-error.js';
import { normalizeCsv } from '../../src/seeds/normalize-csv.js';
import { SeedFile, SeedTypesChanged } from '../../src/seeds/seed-file.js';
import { scanSeed, tableColumnName } from '../../src/seeds/seed-scanner.js';
import type { SeedOptions } from '../../src/seeds/seed-options.js';
import { fieldText, tokenizeCsv } from '../../src/seeds/tokenize-csv.js';

const defaults: SeedOptions = { delimiter: ',', columnTypes: {}, quoteColumns: true };

function records(text: string, delimiter = ','): string[][] {
  const bytes = Buffer.from(text);
  const out: string[][] = [];
  tokenizeCsv(bytes, { delimiter: delimiter.charCodeAt(0), start: 0, file: 'x.csv' }, (record) => {
    out.push(Array.from({ length: record.count }, (_, i) => fieldText(bytes, record, i)));
  });
  return out;
}

function scanError(text: string | Buffer, options: Partial<SeedOptions> = {}): KpiError {
  try {
    scanSeed(typeof text === 'string' ? Buffer.from(text) : text, 'seeds/bad.csv', { ...defaults, ...options });
  } catch (error) {
    if (error instanceof KpiError) return error;
    throw error;
  }
  throw new Error('expected the seed to be rejected');
}

/** A small deterministic generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('reading CSV', () => {
  it('reads what csv-parse reads, on generated files with every kind of quoting', () => {
    const next = random(7);
    const alphabet = ['a', 'b', 'Z', '1', ' ', ',', ';', '"', '\n', '\r\n', 'é', '€', '😀', ''];
    for (let file = 0; file < 300; file++) {
      const width = 1 + Math.floor(next() * 5);
      const rows = Array.from({ length: 1 + Math.floor(next() * 6) }, () =>
        Array.from({ length: width }, () => Array.from({ length: Math.floor(next() * 6) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('')),
      );
      const newline = next() < 0.5 ? '\n' : '\r\n';
      const text =
        rows.map((row) => row.map((value) => (/[",\r\n]/.test(value) || value === '' || next() < 0.3 ? `"${value.replaceAll('"', '""')}"` : value)).join(',')).join(newline) +
        (next() < 0.5 ? newline : '');
      expect(records(text), JSON.stringify(text)).toEqual(parse(text, { relax_column_count: true }));
      expect(records(text)).toEqual(rows);
    }
  });

  it('takes any one-byte delimiter, CR line ends, and a delimiter at the end of the file', () => {
    expect(records('a;b\r1;"x;y"\r', ';')).toEqual([
      ['a', 'b'],
      ['1', 'x;y'],
    ]);
    expect(records('a\tb\n1\t2', '\t')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(records('a,b\n1,')).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
  });

  it('reads a quote inside an unquoted field as a character, as dbt does', () => {
    expect(records('a,b\n5" pipe,x\n')).toEqual([
      ['a', 'b'],
      ['5" pipe', 'x'],
    ]);
  });

  it('rejects unclosed quotes and text after a closing quote, with the line', () => {
    const unclosed = scanError('a,b\n1,2\n3,"open\n\nend\n');
    expect(unclosed.code).toBe('KPI_SEED_INVALID');
    expect(unclosed.location).toEqual({ file: 'seeds/bad.csv', line: 3 });
    expect(unclosed.message).toMatch(/opened on line 3 is never closed/);
    const trailing = scanError('a,b\n1,"x"y\n');
    expect(trailing.location).toEqual({ file: 'seeds/bad.csv', line: 2 });
    expect(trailing.message).toMatch(/after the closing quote of field 2/);
  });
});

describe('checking a seed', () => {
  it('skips a byte order mark and reads the header', () => {
    const scan = scanSeed(Buffer.from('\ufeffid,Name\n1,x\n'), 'seeds/x.csv', defaults);
    expect(scan.columns.map((column) => column.name)).toEqual(['id', 'Name']);
    expect(scan.rows).toBe(1);
  });

  it('names the line and the columns of a ragged record', () => {
    const short = scanError('id,name,amount\n1,a,2\n2,b\n');
    expect(short.location).toEqual({ file: 'seeds/bad.csv', line: 3 });
    expect(short.message).toBe('line 3 has 2 fields but the header has 3: the values for "amount" are missing');
    const long = scanError('id,name\n1,"multi\nline"\n2,b,c,d\n');
    expect(long.location?.line).toBe(4);
    expect(long.message).toBe('line 4 has 4 fields but the header has 2: there are 2 values after the last column "name"');
  });

  it('rejects headers with empty or duplicate names', () => {
    expect(scanError('id,,name\n1,2,3\n').message).toBe('column 2 of the header has no name');
    expect(scanError('id, \n1,2\n').message).toBe('column 2 of the header has no name');
    const duplicate = scanError('id,name,id\n1,2,3\n');
    expect(duplicate.location).toEqual({ file: 'seeds/bad.csv', line: 1 });
    expect(duplicate.message).toBe('the header names column 1 and column 3 both "id"');
    expect(scanError('Id,ID\n1,2\n', { quoteColumns: false }).message).toMatch(/column 1 and column 2 both "id" \(with quote_columns: false, names fold to lower case\)/);
    const long = 'x'.repeat(70);
    expect(scanError(`${long}a,${long}b\n1,2\n`).message).toMatch(/63 bytes/);
  });

  it('rejects an empty file, a missing header and bytes that are not UTF-8', () => {
    expect(scanError('').message).toMatch(/empty/);
    expect(scanError('\n1,2\n').message).toMatch(/first line is empty/);
    const latin1 = scanError(Buffer.concat([Buffer.from('id,name\n1,ok\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(latin1.message).toMatch(/not valid UTF-8/);
    expect(latin1.location?.line).toBe(3);
  });

  it('checks column_types values before the database sees them', () => {
    const error = scanError('id,amount\n1,2\n2,"3,5"\n', { columnTypes: { amount: 'numeric' } });
    expect(error.location).toEqual({ file: 'seeds/bad.csv', line: 3 });
    expect(error.message).toBe('value "3,5" in column "amount" is not a number, so it cannot be loaded as numeric (column_types)');
    const nulls = scanSeed(Buffer.from('id,amount\n1,\n2,null\n'), 'seeds/x.csv', { ...defaults, columnTypes: { amount: 'integer' } });
    expect(nulls.rows).toBe(2);
  });

  it('warns about column_types entries that name no column', () => {
    const scan = scanSeed(Buffer.from('id,amount\n1,2\n'), 'seeds/x.csv', { ...defaults, columnTypes: { amout: 'numeric' } });
    expect(scan.warnings).toEqual([
      { severity: 'warning', code: 'KPI_CONFIG_UNKNOWN_KEY', message: 'column_types names "amout", which is not a column of the seed. Did you mean "amount"?', location: { file: 'seeds/x.csv' } },
    ]);
  });

  it('folds names with quote_columns: false and cuts them to 63 bytes', () => {
    expect(tableColumnName('Customer ID', false)).toBe('customer id');
    expect(tableColumnName('Customer ID', true)).toBe('Customer ID');
    expect(Buffer.byteLength(tableColumnName('é'.repeat(40), true))).toBe(62);
  });
});

describe('what COPY is sent', () => {
  function normalized(text: string, delimiter = ','): { needed: boolean; data: string } {
    const bytes = Buffer.from(text);
    const scan = scanSeed(bytes, 'seeds/x.csv', { ...defaults, delimiter });
    const data = scan.needsNormalizing ? normalizeCsv(bytes, { start: scan.dataStart, end: scan.dataEnd }, delimiter, scan.columns.length, scan.crlf) : bytes.subarray(scan.dataStart, scan.dataEnd);
    return { needed: scan.needsNormalizing, data: data.toString() };
  }

  it('sends a clean file as it is, without its header or trailing blank lines', () => {
    expect(normalized('a,b\r\n1,"x,y"\r\n2,\r\n\r\n\r\n')).toEqual({ needed: false, data: '1,"x,y"\r\n2,\r\n' });
  });

  it('rewrites only what COPY would read differently', () => {
    expect(normalized('a,b\n1,null\n2,""\n3, \n4,ok\n')).toEqual({ needed: true, data: '1,\n2,\n3,\n4,ok\n' });
    expect(normalized('a,b\n1,x\n\n2,y\n')).toEqual({ needed: true, data: '1,x\n2,y\n' });
    // COPY needs one kind of line ending: the first record's.
    expect(normalized('a,b\n1,x\r\n2,y\n')).toEqual({ needed: true, data: '1,x\r\n2,y\r\n' });
    expect(normalized('a,b\n1,x\n2,y\r\n')).toEqual({ needed: true, data: '1,x\n2,y\n' });
    expect(normalized('a,b\n1,5" pipe\n2,"a ""b"""\n')).toEqual({ needed: true, data: '1,"5"" pipe"\n2,"a ""b"""\n' });
    expect(normalized('a\n1\n\\.\n2\n')).toEqual({ needed: true, data: '1\n"\\."\n2\n' });
    expect(normalized('a;b\nNULL;"x;y"\n', ';')).toEqual({ needed: true, data: ';"x;y"\n' });
  });
});

describe('reading while COPY loads', () => {
  async function gather(seed: SeedFile, types: readonly string[] | null): Promise<string> {
    let text = '';
    for await (const piece of seed.data(types)) text += Buffer.from(piece).toString();
    return text;
  }

  it('hands over the data in checked pieces, rewriting only the pieces that need it', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${i % 10 === 0 ? 'null' : `v${i}`}`);
    const seed = SeedFile.fromBytes(Buffer.from(`id,value\r\n${rows.join('\r\n')}\r\n`), 'seeds/x.csv', defaults).readAhead(64 * 1024);
    expect(seed.complete).toBe(false);
    const types = seed.columns.map((column) => column.type);
    expect(types).toEqual(['integer', 'text']);
    const sent = await gather(seed, types);
    expect(seed.complete).toBe(true);
    expect(seed.rows).toBe(200_000);
    expect(sent).toBe(rows.map((row) => row.replace(',null', ',')).join('\r\n') + '\r\n');
  });

  it('stops as soon as a piece calls for other types than the table was made with', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => String(i));
    rows[150_000] = '1.5';
    const seed = SeedFile.fromBytes(Buffer.from(`n\n${rows.join('\n')}\n`), 'seeds/x.csv', defaults).readAhead(64 * 1024);
    await expect(gather(seed, ['integer'])).rejects.toBeInstanceOf(SeedTypesChanged);
    expect(seed.readAll().columns.map((column) => column.type)).toEqual(['numeric']);
    expect((await gather(seed, null)).split('\n')).toHaveLength(200_001);
  });

  it('stops with the seed error when a later piece is malformed', async () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},x`);
    rows[180_000] = '180000';
    const seed = SeedFile.fromBytes(Buffer.from(`n,v\n${rows.join('\n')}\n`), 'seeds/x.csv', defaults).readAhead(64 * 1024);
    const error = await gather(seed, null).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KpiError);
    expect((error as KpiError).location).toEqual({ file: 'seeds/x.csv', line: 180_002 });
  });
});

describe('COPY errors', () => {
  const seedFile = (text: string) => SeedFile.fromBytes(Buffer.from(text), 'seeds/x.csv', defaults);

  it('map the line Postgres reports back to the file line', () => {
    const seed = seedFile('id,day\n1,2024-01-01\n\n2,"multi\nline"\n3,soon\n');
    const error = seedCopyError({ message: 'invalid input syntax for type date: "soon"', where: 'COPY x, line 3, column day: "soon"' }, seed, 'new table');
    expect(error.code).toBe('KPI_SEED_INVALID');
    expect(error.location).toEqual({ file: 'seeds/x.csv', line: 6 });
    expect(error.message).toBe('column "day": invalid input syntax for type date: "soon"');
    expect(error.hint).toBe('fix the value, or set column_types for its column');
  });

  it('tell apart the records a count with quoted line breaks could mean, by the value', () => {
    const seed = seedFile('id,day\n1,"a\nb"\n2,"c\nd"\n3,bad\n4,bad2\n');
    // Postgres may count some of the quoted line breaks: line 4 can mean the third or fourth record.
    const third = seedCopyError({ message: 'invalid', where: 'COPY x, line 4, column day: "bad"' }, seed, 'new table');
    expect(third.location?.line).toBe(6);
    const fourth = seedCopyError({ message: 'invalid', where: 'COPY x, line 4, column day: "bad2"' }, seed, 'existing table');
    expect(fourth.location?.line).toBe(7);
  });
});
