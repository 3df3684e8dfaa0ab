import { isUtf8 } from 'node:buffer';
import type { Diagnostic } from '../support/diagnostics.js';
import { KpiError, closestMatch } from '../errors.js';
import { ANY_TYPE, TEXT_ONLY, classifyValue, columnType } from './classify-value.js';
import type { SeedOptions } from './seed-options.js';
import { FIELD_ESCAPES, FIELD_QUOTED, FIELD_STRAY_QUOTE, TERMINATOR_CRLF, TERMINATOR_NONE, fieldText, tokenizeCsv, type CsvRecord } from './tokenize-csv.js';
import { valueChecker, type ValueChecker } from './value-checker.js';

export interface SeedColumn {
  /** The name as the CSV header writes it. */
  header: string;
  /** The name in the table: folded to lower case unless quote_columns, cut to 63 bytes as Postgres does. */
  name: string;
  type: string;
  /** The type comes from `column_types` rather than inference. */
  declared: boolean;
}

/** What one read of a seed file found: its columns and whether COPY can take its bytes as they are. */
export interface SeedScan {
  columns: SeedColumn[];
  rows: number;
  /** Where the data records lie: after the header, before any trailing blank lines. */
  dataStart: number;
  dataEnd: number;
  /**
   * The data must be rewritten before COPY reads it: values dbt reads as NULL that COPY
   * would not ('null', '  ', a quoted ""), blank lines between records, mixed line endings,
   * quotes inside unquoted fields, or a lone `\.` line (COPY's end-of-data marker).
   */
  needsNormalizing: boolean;
  /** The data's records end in CRLF (else LF). */
  crlf: boolean;
  warnings: Diagnostic[];
}

const BOM = [0xef, 0xbb, 0xbf];
/** Postgres keeps the first 63 bytes of an identifier (NAMEDATALEN - 1). */
const MAX_IDENTIFIER_BYTES = 63;

export function bomLength(bytes: Uint8Array): number {
  return bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2] ? 3 : 0;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/**
 * Whether a non-empty value is NULL to dbt: its type tester treats 'null' (any case) and
 * blank values, once stripped of surrounding whitespace, as missing.
 */
export function isNullWord(bytes: Uint8Array, start: number, end: number): boolean {
  while (start < end && isSpace(bytes[start])) start++;
  while (end > start && isSpace(bytes[end - 1])) end--;
  if (start === end) return true;
  return end - start === 4 && (bytes[start] | 0x20) === 0x6e && (bytes[start + 1] | 0x20) === 0x75 && (bytes[start + 2] | 0x20) === 0x6c && (bytes[start + 3] | 0x20) === 0x6c;
}

/** Cut a name to Postgres's identifier length without splitting a character. */
export function truncateIdentifier(name: string): string {
  if (Buffer.byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  let cut = '';
  for (const char of name) {
    if (Buffer.byteLength(cut + char) > MAX_IDENTIFIER_BYTES) break;
    cut += char;
  }
  return cut;
}

/** The column's name in the table: unquoted identifiers fold to lower case in Postgres. */
export function tableColumnName(header: string, quoteColumns: boolean): string {
  return truncateIdentifier(quoteColumns ? header : header.replace(/[A-Z]+/g, (letters) => letters.toLowerCase()));
}

function lineOfInvalidUtf8(bytes: Uint8Array, start: number): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let lineStart = start;
  for (let i = start; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(lineStart, i));
      } catch {
        return line;
      }
      line++;
      lineStart = i + 1;
    }
  }
  return line;
}

function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
}

function headerColumns(bytes: Uint8Array, record: CsvRecord, file: string, options: SeedOptions): SeedColumn[] {
  const columns: SeedColumn[] = [];
  const byName = new Map<string, number>();
  for (let i = 0; i < record.count; i++) {
    const header = fieldText(bytes, record, i);
    const where = { file, line: record.line };
    if (header.trim() === '') {
      throw new KpiError('KPI_SEED_INVALID', `column ${i + 1} of the header has no name`, { location: where, hint: 'give every column a name in the first line of the file' });
    }
    const name = tableColumnName(header, options.quoteColumns);
    const previous = byName.get(name);
    if (previous !== undefined) {
      const first = columns[previous].header;
      const why = first === header ? '' : options.quoteColumns ? ' (Postgres keeps only the first 63 bytes of a name)' : ' (with quote_columns: false, names fold to lower case)';
      throw new KpiError('KPI_SEED_INVALID', `the header names column ${previous + 1} and column ${i + 1} both ${shown(name)}${why}`, {
        location: where,
        hint: 'give each column its own name',
      });
    }
    byName.set(name, i);
    const declaredType = options.columnTypes[header];
    columns.push({ header, name, type: declaredType ?? 'text', declared: declaredType !== undefined });
  }
  return columns;
}

/** Records read by one call of `SeedScanner.read`: a contiguous piece of the data. */
export interface ScannedRange {
  start: number;
  end: number;
  /** The piece must go through `normalizeCsv` before COPY reads it. */
  dirty: boolean;
}

/**
 * Reads a seed file in pieces: the header when made, then records on request, each one
 * checked for shape and `column_types` values, each value classified for type inference.
 * Reading in pieces lets a loader hand checked data to COPY while it reads on. Throws
 * `KPI_SEED_INVALID` naming the file and line (and column) of the first problem.
 */
export class SeedScanner {
  readonly header: readonly SeedColumn[];
  readonly dataStart: number;
  /** The end of the last record read that was not a blank line. */
  dataEnd: number;
  rows = 0;
  needsNormalizing = false;
  private position: number;
  private line: number;
  private readonly delimiter: number;
  private readonly masks: Int32Array;
  private readonly checkers: Array<ValueChecker | null>;
  private readonly hasCheckers: boolean;
  /** The line ending of the first data record: COPY needs one kind throughout. */
  private terminator = TERMINATOR_NONE;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string,
    private readonly options: SeedOptions,
  ) {
    if (bytes.length >= 2 ** 31) {
      throw new KpiError('KPI_SEED_INVALID', 'the file is larger than 2 GB', { location: { file }, hint: 'load data this large with a source and a loader, not a seed' });
    }
    const start = bomLength(bytes);
    if (!isUtf8(bytes)) {
      throw new KpiError('KPI_SEED_INVALID', 'the file is not valid UTF-8', { location: { file, line: lineOfInvalidUtf8(bytes, start) }, hint: 'save the file with UTF-8 encoding' });
    }
    this.delimiter = options.delimiter.charCodeAt(0);
    let header: SeedColumn[] | null = null;
    let next = { position: bytes.length, line: 1 };
    tokenizeCsv(bytes, { delimiter: this.delimiter, start, file }, (record) => {
      if (record.blank)
        throw new KpiError('KPI_SEED_INVALID', 'the first line is empty; a seed starts with a header row', { location: { file, line: record.line }, hint: 'put the column names on the first line' });
      header = headerColumns(bytes, record, file, options);
      next = { position: record.end, line: record.lastLine + 1 };
      return false;
    });
    if (header === null) {
      throw new KpiError('KPI_SEED_INVALID', 'the file is empty; a seed needs at least a header row', { location: { file }, hint: 'put the column names on the first line' });
    }
    this.header = header;
    this.position = this.dataStart = this.dataEnd = next.position;
    this.line = next.line;
    this.masks = Int32Array.from(this.header, (column) => (column.declared ? TEXT_ONLY : ANY_TYPE));
    this.checkers = this.header.map((column) => (column.declared ? valueChecker(column.type) : null));
    this.hasCheckers = this.checkers.some((check) => check !== null);
  }

  /** Every record has been read. */
  get done(): boolean {
    return this.position >= this.bytes.length;
  }

  get offset(): number {
    return this.position;
  }

  /** The columns with the types the records read so far call for. */
  columns(): SeedColumn[] {
    return this.header.map((column, i) => (column.declared ? column : { ...column, type: columnType(this.masks[i]) }));
  }

  /** Read on from where the last read stopped, until a record ends at or past `limit`, or the file does. */
  read(limit: number): ScannedRange {
    const { bytes, file, header, masks, checkers, hasCheckers } = this;
    const width = header.length;
    const rangeStart = this.position;
    let rangeEnd = rangeStart;
    let blankRun = 0;
    let dirty = false;
    tokenizeCsv(bytes, { delimiter: this.delimiter, start: this.position, line: this.line, file, expectedFields: width }, (record) => {
      this.position = record.end;
      this.line = record.lastLine + 1;
      if (record.blank) {
        blankRun++;
        return;
      }
      // Blank lines between records go; blank lines at the end of the file are simply not sent.
      if (blankRun > 0) dirty = true;
      blankRun = 0;
      if (record.count !== width) throw raggedRecord(record, header, file);
      if (record.terminator !== TERMINATOR_NONE) {
        if (this.terminator === TERMINATOR_NONE) this.terminator = record.terminator;
        else if (record.terminator !== this.terminator) dirty = true;
      }
      // Locals, not fields, in the loop that runs once a value.
      const { starts, ends, flags } = record;
      for (let i = 0; i < width; i++) {
        const fieldStart = starts[i];
        const fieldEnd = ends[i];
        const fieldFlags = flags[i];
        if (fieldStart === fieldEnd) {
          // Unquoted empty is COPY's NULL already; a quoted "" would be an empty string.
          if (fieldFlags & FIELD_QUOTED) dirty = true;
          continue;
        }
        const first = bytes[fieldStart];
        if ((first <= 0x20 || bytes[fieldEnd - 1] <= 0x20 || (fieldEnd - fieldStart === 4 && (first | 0x20) === 0x6e)) && isNullWord(bytes, fieldStart, fieldEnd)) {
          dirty = true;
          continue;
        }
        if (fieldFlags & FIELD_STRAY_QUOTE) dirty = true;
        const mask = masks[i];
        if (mask !== TEXT_ONLY) masks[i] = fieldFlags & (FIELD_ESCAPES | FIELD_STRAY_QUOTE) ? TEXT_ONLY : mask & classifyValue(bytes, fieldStart, fieldEnd);
        if (hasCheckers) {
          const check = checkers[i];
          if (check !== null) checkValue(check, bytes, record, i, header[i], file);
        }
      }
      // COPY would take a lone `\.` line for its end-of-data marker and stop there.
      if (width === 1 && !(flags[0] & FIELD_QUOTED) && ends[0] - starts[0] === 2 && bytes[starts[0]] === 0x5c && bytes[starts[0] + 1] === 0x2e) dirty = true;
      this.rows++;
      rangeEnd = record.end;
      if (record.end >= limit) return false;
    });
    if (rangeEnd > rangeStart) this.dataEnd = rangeEnd;
    if (dirty) this.needsNormalizing = true;
    return { start: rangeStart, end: rangeEnd, dirty };
  }

  /** The line ending COPY's input uses (that of the first data record). */
  get crlf(): boolean {
    return this.terminator === TERMINATOR_CRLF;
  }

  /** `column_types` entries that name no column: dbt ignores them silently, which hides typos. */
  warnings(): Diagnostic[] {
    return Object.keys(this.options.columnTypes)
      .filter((name) => !this.header.some((column) => column.header === name))
      .map((name): Diagnostic => {
        const match = closestMatch(
          name,
          this.header.map((column) => column.header),
        );
        return {
          severity: 'warning',
          code: 'KPI_CONFIG_UNKNOWN_KEY',
          message: `column_types names ${shown(name)}, which is not a column of the seed${match ? `. Did you mean ${shown(match)}?` : ''}`,
          location: { file: this.file },
        };
      });
  }
}

/** Read a whole seed file at once (see `SeedScanner`); touches no database. */
export function scanSeed(bytes: Uint8Array, file: string, options: SeedOptions): SeedScan {
  const scanner = new SeedScanner(bytes, file, options);
  scanner.read(Infinity);
  return {
    columns: scanner.columns(),
    rows: scanner.rows,
    dataStart: scanner.dataStart,
    dataEnd: scanner.dataEnd,
    needsNormalizing: scanner.needsNormalizing,
    crlf: scanner.crlf,
    warnings: scanner.warnings(),
  };
}

function checkValue(check: ValueChecker, bytes: Uint8Array, record: CsvRecord, index: number, column: SeedColumn, file: string): void {
  const value = fieldText(bytes, record, index);
  const problem = check(value);
  if (problem === null) return;
  throw new KpiError('KPI_SEED_INVALID', `value ${shown(value)} in column ${shown(column.header)} ${problem}, so it cannot be loaded as ${column.type} (column_types)`, {
    location: { file, line: record.line },
    hint: `fix the value, or change column_types.${column.header}`,
  });
}

function raggedRecord(record: CsvRecord, columns: readonly SeedColumn[], file: string): KpiError {
  const count = record.count;
  const detail =
    count < columns.length
      ? `the values for ${columns
          .slice(count)
          .map((column) => shown(column.header))
          .join(', ')} are missing`
      : `there ${count - columns.length === 1 ? 'is 1 value' : `are ${count - columns.length} values`} after the last column ${shown(columns[columns.length - 1].header)}`;
  return new KpiError('KPI_SEED_INVALID', `line ${record.line} has ${count} ${count === 1 ? 'field' : 'fields'} but the header has ${columns.length}: ${detail}`, {
    location: { file, line: record.line },
    hint: 'every line needs one value per header column (leave a value empty for NULL; quote values that contain the delimiter)',
  });
}
