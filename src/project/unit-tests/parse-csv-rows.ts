import { csvParser } from '../../support/csv-module.js';
import { memoWith, type YamlCache } from '../../config/yaml-cache.js';
import type { FixtureRow } from './types.js';

export class CsvRowsError extends Error {
  constructor(
    message: string,
    /** 1-based line inside the CSV text. */
    readonly line: number | null,
  ) {
    super(message);
    this.name = 'CsvRowsError';
  }
}

/**
 * CSV text (a header line, then rows) into rows keyed by the header. As in dbt, an empty
 * field is null. Unlike dbt, whitespace around unquoted fields is dropped, so columns can
 * be aligned for reading (quote a value to keep its spaces).
 */
export function parseCsvRows(text: string, cache?: YamlCache): FixtureRow[] {
  return memoWith(cache, 'csv-rows', text, () => readCsvRows(text));
}

function readCsvRows(text: string): FixtureRow[] {
  const { parse } = csvParser();
  let records: Array<Record<string, string>>;
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Array<Record<string, string>>;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new CsvRowsError((error as Error).message.replace(/^Invalid Record Length: /, ''), typeof line === 'number' ? line : null);
  }
  return records.map((record) => Object.fromEntries(Object.entries(record).map(([column, value]) => [column, value === '' ? null : value])));
}
