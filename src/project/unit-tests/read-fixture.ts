import { readFileSync } from 'node:fs';
import type { YamlReader } from '../../config/yaml-reader.js';
import type { SourceLocation } from '../../errors.js';
import { isPlainObject } from '../../support/is-plain-object.js';
import { CsvRowsError } from './parse-csv-rows.js';
import type { Fixture, FixtureFormat, FixtureRow } from './types.js';

const FORMATS: readonly FixtureFormat[] = ['dict', 'csv', 'sql'];

export interface FixtureSources {
  /** A `fixture:` file by name (`tests/fixtures/<name>.csv`), or null when there is none. */
  findFixtureFile(name: string, format: 'csv' | 'sql'): { path: string; absolute: string } | null;
  /** When the input is a seed, its CSV rows: dbt lets a seed input leave out `rows`. */
  seedRows(): FixtureRow[] | null;
  /** CSV text into rows (parseCsvRows, through the parse cache). */
  csvRows(text: string): FixtureRow[];
}

function shiftLine(location: SourceLocation, line: number | null): SourceLocation {
  // A block scalar (`rows: |`) starts on the line after its key.
  return line === null || location.line === undefined ? location : { file: location.file, line: location.line + line };
}

/**
 * One `given` entry or the `expect` entry (at `keys` inside the unit test): its rows as a
 * list of dicts (inline dicts, inline CSV, a CSV fixture file, or a seed's file), or its
 * SQL. Problems are reported at the YAML position of the offending key or row.
 */
export function readFixture(entry: Record<string, unknown>, keys: ReadonlyArray<string | number>, what: string, reader: YamlReader, sources: FixtureSources): Fixture | null {
  const at = (...more: Array<string | number>) => reader.locate([...keys, ...more]);
  const fail = (message: string, location: SourceLocation): null => reader.failAt(location, `${what}: ${message}`);
  const format = entry.format === undefined || entry.format === null ? 'dict' : entry.format;
  if (typeof format !== 'string' || !FORMATS.includes(format as FixtureFormat)) return fail(`format must be one of ${FORMATS.join(', ')}, not '${String(format)}'`, at('format'));
  const fixtureName = entry.fixture;
  if (fixtureName !== undefined && typeof fixtureName !== 'string') return fail('fixture must be the name of a file', at('fixture'));
  if (fixtureName !== undefined && entry.rows !== undefined) return fail('give either rows or fixture, not both', at('fixture'));
  const base: Fixture = { format: format as FixtureFormat, rows: [], sql: null, fixture: null, location: at() };

  if (typeof fixtureName === 'string') {
    if (format === 'dict') return fail('fixture files need format: csv or format: sql', at('fixture'));
    const file = sources.findFixtureFile(fixtureName, format as 'csv' | 'sql');
    if (!file) return fail(`no fixture file '${fixtureName}.${format}' in a fixtures/ folder under the test paths`, at('fixture'));
    const text = readFileSync(file.absolute, 'utf8');
    if (format === 'sql') return { ...base, sql: text, fixture: file.path };
    try {
      return { ...base, rows: sources.csvRows(text), fixture: file.path };
    } catch (error) {
      const line = error instanceof CsvRowsError ? error.line : null;
      return fail(`fixture ${file.path} is not valid CSV: ${(error as Error).message}`, line === null ? { file: file.path } : { file: file.path, line });
    }
  }

  const rows = entry.rows;
  if (rows === undefined || rows === null) {
    const seedRows = sources.seedRows();
    if (seedRows) return { ...base, format: 'csv', rows: seedRows };
    return fail('rows are missing (give rows, or a fixture file)', at());
  }
  if (format === 'sql') {
    if (typeof rows !== 'string' || rows.trim() === '') return fail('format: sql needs rows as the text of a query', at('rows'));
    return { ...base, sql: rows };
  }
  if (format === 'csv') {
    if (typeof rows !== 'string') return fail('format: csv needs rows as CSV text (a header line, then one line a row)', at('rows'));
    try {
      return { ...base, rows: sources.csvRows(rows) };
    } catch (error) {
      return fail(`rows are not valid CSV: ${(error as Error).message}`, shiftLine(at('rows'), error instanceof CsvRowsError ? error.line : null));
    }
  }
  if (!Array.isArray(rows)) return fail('rows must be a list of rows, each a mapping of column to value ({id: 1, name: a})', at('rows'));
  const bad = rows.findIndex((row) => !isPlainObject(row));
  if (bad >= 0) {
    const row: unknown = rows[bad];
    return fail(`row ${bad + 1} must be a mapping of column to value ({id: 1, name: a}), not ${Array.isArray(row) ? 'a list' : JSON.stringify(row)}`, at('rows', bad));
  }
  return { ...base, rows: rows as FixtureRow[] };
}
