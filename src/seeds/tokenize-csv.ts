import { KpiError } from '../errors.js';

/**
 * The CSV reader behind seeds: RFC 4180 over bytes, one pass, no strings. It finds where
 * each field's content lies and what a loader must know about it; what the content means
 * is the caller's business. csv-parse reads the same dialect (tests hold the two to the
 * same records) but spends seconds building strings on a file Postgres loads in one.
 *
 * - Fields are separated by a one-byte delimiter; records end with LF, CRLF or CR.
 * - A field starting with `"` is quoted: delimiters and line breaks inside are content,
 *   `""` is one quote, and the closing quote must end the field.
 * - A quote inside an unquoted field is a literal character (as Python's csv module,
 *   which dbt uses, reads it); Postgres would start a quoted section there instead, so
 *   such a field is flagged for rewriting.
 */

/** The field was quoted; its offsets exclude the quotes. */
export const FIELD_QUOTED = 1;
/** The quoted field holds doubled quotes: its bytes are not its value as they stand. */
export const FIELD_ESCAPES = 2;
/** An unquoted field with a quote in it. */
export const FIELD_STRAY_QUOTE = 4;

export const TERMINATOR_NONE = 0;
export const TERMINATOR_LF = 1;
export const TERMINATOR_CRLF = 2;
export const TERMINATOR_CR = 3;

/** One record, valid only during the callback: the arrays are reused for the next. */
export interface CsvRecord {
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  flags: Uint8Array;
  /** Byte offset of the record's first byte, and of the end of its content (before the terminator). */
  start: number;
  contentEnd: number;
  /** Byte offset after the terminator. */
  end: number;
  terminator: number;
  /** 1-based physical lines of the record's first and last byte (quoted line breaks make them differ). */
  line: number;
  lastLine: number;
  /** The record is an empty line. */
  blank: boolean;
}

export interface TokenizeOptions {
  delimiter: number;
  /** Offset to start at (after a byte order mark, or where an earlier call stopped). */
  start: number;
  /** The physical line at `start` (1 unless resuming). */
  line?: number;
  /** The file, as errors name it. */
  file: string;
  /** Fields a record is expected to have: sizes the buffers. */
  expectedFields?: number;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Reads `bytes` record by record; `onRecord` returns false to stop early. */
export function tokenizeCsv(bytes: Uint8Array, options: TokenizeOptions, onRecord: (record: CsvRecord) => boolean | void): void {
  const { delimiter, file } = options;
  const length = bytes.length;
  let capacity = Math.max(options.expectedFields ?? 0, 16);
  const record: CsvRecord = {
    count: 0,
    starts: new Int32Array(capacity),
    ends: new Int32Array(capacity),
    flags: new Uint8Array(capacity),
    start: 0,
    contentEnd: 0,
    end: 0,
    terminator: TERMINATOR_NONE,
    line: 1,
    lastLine: 1,
    blank: false,
  };
  const grow = () => {
    capacity *= 2;
    const starts = new Int32Array(capacity);
    const ends = new Int32Array(capacity);
    const flags = new Uint8Array(capacity);
    starts.set(record.starts);
    ends.set(record.ends);
    flags.set(record.flags);
    record.starts = starts;
    record.ends = ends;
    record.flags = flags;
    return record;
  };

  const special = new Uint8Array(256);
  special[delimiter] = special[LF] = special[CR] = special[QUOTE] = 1;
  let { starts, ends, flags } = record;
  let pos = options.start;
  let line = options.line ?? 1;
  while (pos < length) {
    record.start = pos;
    record.line = line;
    let count = 0;
    let terminator = TERMINATOR_NONE;
    for (;;) {
      if (count === capacity) ({ starts, ends, flags } = grow());
      let fieldFlags = 0;
      let fieldStart: number;
      let fieldEnd: number;
      if (bytes[pos] === QUOTE) {
        const openedOn = line;
        fieldFlags = FIELD_QUOTED;
        fieldStart = ++pos;
        for (;;) {
          if (pos >= length) {
            throw new KpiError('KPI_SEED_INVALID', `a quoted field opened on line ${openedOn} is never closed`, {
              location: { file, line: openedOn },
              hint: 'close the quote, or double a quote that belongs to the value ("")',
            });
          }
          const byte = bytes[pos];
          if (byte === QUOTE) {
            if (bytes[pos + 1] === QUOTE) {
              fieldFlags |= FIELD_ESCAPES;
              pos += 2;
              continue;
            }
            break;
          }
          // A CR, an LF or a CRLF inside quotes each start a new physical line.
          if (byte === LF || (byte === CR && bytes[pos + 1] !== LF)) line++;
          pos++;
        }
        fieldEnd = pos++;
        const next = bytes[pos];
        if (pos < length && next !== delimiter && next !== LF && next !== CR) {
          throw new KpiError('KPI_SEED_INVALID', `unexpected text after the closing quote of field ${count + 1} on line ${line}`, {
            location: { file, line },
            hint: 'a value with quotes in it must be quoted whole, its quotes doubled: "say ""hi"""',
          });
        }
      } else {
        fieldStart = pos;
        for (;;) {
          // One table lookup a byte: most bytes are none of the four that matter.
          while (pos < length && special[bytes[pos]] === 0) pos++;
          if (pos >= length || bytes[pos] !== QUOTE) break;
          fieldFlags = FIELD_STRAY_QUOTE;
          pos++;
        }
        fieldEnd = pos;
      }
      starts[count] = fieldStart;
      ends[count] = fieldEnd;
      flags[count] = fieldFlags;
      count++;
      if (pos >= length) break;
      const byte = bytes[pos];
      if (byte === delimiter) {
        pos++;
        // A delimiter at the very end still opens one more (empty) field.
        if (pos >= length) {
          if (count === capacity) ({ starts, ends, flags } = grow());
          starts[count] = pos;
          ends[count] = pos;
          flags[count] = 0;
          count++;
          break;
        }
        continue;
      }
      record.contentEnd = pos;
      record.lastLine = line;
      if (byte === CR) {
        if (bytes[pos + 1] === LF) {
          terminator = TERMINATOR_CRLF;
          pos += 2;
        } else {
          terminator = TERMINATOR_CR;
          pos++;
        }
      } else {
        terminator = TERMINATOR_LF;
        pos++;
      }
      line++;
      break;
    }
    if (terminator === TERMINATOR_NONE) {
      record.contentEnd = pos;
      record.lastLine = line;
    }
    record.end = pos;
    record.count = count;
    record.terminator = terminator;
    record.blank = count === 1 && record.contentEnd === record.start;
    if (onRecord(record) === false) return;
  }
}

/** A field's value as text: quotes removed, doubled quotes made single. */
export function fieldText(bytes: Uint8Array, record: CsvRecord, index: number): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + record.starts[index], record.ends[index] - record.starts[index]).toString('utf8');
  return record.flags[index] & FIELD_ESCAPES ? text.replaceAll('""', '"') : text;
}
