import { isNullWord } from './seed-scanner.js';
import { FIELD_QUOTED, FIELD_STRAY_QUOTE, tokenizeCsv } from './tokenize-csv.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Appends bytes into chunks, so a rewrite costs one copy of the data, not one per field. */
class ByteSink {
  private readonly chunks: Buffer[] = [];
  private chunk: Buffer;
  private used = 0;

  constructor(private readonly chunkSize: number) {
    this.chunk = Buffer.allocUnsafe(chunkSize);
  }

  private room(needed: number): void {
    if (this.used + needed <= this.chunk.length) return;
    this.chunks.push(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(Math.max(this.chunkSize, needed));
    this.used = 0;
  }

  bytes(source: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    this.chunk.set(source.subarray(start, end), this.used);
    this.used += end - start;
  }

  byte(value: number): void {
    this.room(1);
    this.chunk[this.used++] = value;
  }

  result(): Buffer {
    this.chunks.push(this.chunk.subarray(0, this.used));
    return Buffer.concat(this.chunks);
  }
}

/**
 * Data records of a seed, rewritten so COPY (format csv, NULL '') reads exactly what dbt
 * would: NULL words become empty fields, fields that need quotes get them, blank lines go,
 * every record ends the same way (COPY refuses mixed line endings). A record that needs
 * none of this is copied whole.
 */
export function normalizeCsv(bytes: Uint8Array, range: { start: number; end: number }, delimiter: string, width: number, crlf: boolean): Buffer {
  const sink = new ByteSink(Math.min(1 << 22, Math.max(1 << 12, range.end - range.start + 1024)));
  const data = bytes.subarray(0, range.end);
  const delimiterByte = delimiter.charCodeAt(0);
  const endRecord = () => {
    if (crlf) sink.byte(CR);
    sink.byte(LF);
  };
  tokenizeCsv(data, { delimiter: delimiterByte, start: range.start, file: '', expectedFields: width }, (record) => {
    if (record.blank) return;
    let clean = true;
    for (let i = 0; i < record.count && clean; i++) {
      const start = record.starts[i];
      const end = record.ends[i];
      const flags = record.flags[i];
      if (start === end) clean = (flags & FIELD_QUOTED) === 0;
      else clean = (flags & FIELD_STRAY_QUOTE) === 0 && !isNullWord(bytes, start, end) && !isEndMarker(bytes, start, end, flags);
    }
    if (clean) {
      sink.bytes(bytes, record.start, record.contentEnd);
      endRecord();
      return;
    }
    for (let i = 0; i < record.count; i++) {
      if (i > 0) sink.byte(delimiterByte);
      const start = record.starts[i];
      const end = record.ends[i];
      const flags = record.flags[i];
      if (start === end || isNullWord(bytes, start, end)) continue;
      if (flags & FIELD_QUOTED) {
        // The bytes between the quotes are already in quoted form ("" for each quote).
        sink.byte(QUOTE);
        sink.bytes(bytes, start, end);
        sink.byte(QUOTE);
      } else if (flags & FIELD_STRAY_QUOTE || isEndMarker(bytes, start, end, flags)) {
        sink.byte(QUOTE);
        for (let at = start; at < end; at++) {
          if (bytes[at] === QUOTE) sink.byte(QUOTE);
          sink.byte(bytes[at]);
        }
        sink.byte(QUOTE);
      } else {
        sink.bytes(bytes, start, end);
      }
    }
    endRecord();
  });
  return sink.result();
}

function isEndMarker(bytes: Uint8Array, start: number, end: number, flags: number): boolean {
  return (flags & FIELD_QUOTED) === 0 && end - start === 2 && bytes[start] === 0x5c && bytes[start + 1] === 0x2e;
}
