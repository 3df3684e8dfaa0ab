import { readFileSync } from 'node:fs';
import { KpiError } from '../errors.js';
import { normalizeCsv } from './normalize-csv.js';
import { SeedScanner, type ScannedRange, type SeedColumn } from './seed-scanner.js';
import type { SeedOptions } from './seed-options.js';

/** How much of the file one piece handed to COPY covers. */
const CHUNK_BYTES = 1 << 20;

/**
 * The rest of the file calls for other column types than the table was made with: the
 * load must start again with the types of the whole file (`SeedFile.readAll` first).
 */
export class SeedTypesChanged extends Error {
  constructor() {
    super('the column types the seed needs changed further into the file');
    this.name = 'SeedTypesChanged';
  }
}

/**
 * A seed file being read. It can be read whole before any database work (every problem
 * found first), or read as COPY takes it: then the table is made with the types of the
 * part read so far, and each further piece is checked just before it is handed over, so
 * reading the file and loading it overlap. A piece that changes the types, or breaks a
 * rule, stops the COPY; the loader then rolls back.
 */
export class SeedFile {
  private readonly ranges: ScannedRange[] = [];

  private constructor(
    /** The file as messages name it (relative to the project). */
    readonly file: string,
    readonly bytes: Buffer,
    readonly options: SeedOptions,
    private readonly scanner: SeedScanner,
  ) {}

  /** Open a seed: the whole file in memory, its encoding and header checked. */
  static open(absolutePath: string, file: string, options: SeedOptions): SeedFile {
    let bytes: Buffer;
    try {
      bytes = readFileSync(absolutePath);
    } catch (error) {
      throw new KpiError('KPI_SEED_INVALID', `cannot read the file: ${(error as Error).message}`, { location: { file }, cause: error });
    }
    return SeedFile.fromBytes(bytes, file, options);
  }

  static fromBytes(bytes: Buffer, file: string, options: SeedOptions): SeedFile {
    return new SeedFile(file, bytes, options, new SeedScanner(bytes, file, options));
  }

  /** Read (and check) records until `bytes` of data have been read, or all of them. */
  readAhead(bytes = Infinity): this {
    if (!this.scanner.done) this.ranges.push(this.scanner.read(this.scanner.dataStart + bytes));
    return this;
  }

  readAll(): this {
    return this.readAhead(Infinity);
  }

  get complete(): boolean {
    return this.scanner.done;
  }

  /** The header's columns, with the types the records read so far call for. */
  get columns(): SeedColumn[] {
    return this.scanner.columns();
  }

  get header(): readonly SeedColumn[] {
    return this.scanner.header;
  }

  /** Records read so far. */
  get rows(): number {
    return this.scanner.rows;
  }

  /** Whether any of the data had to be rewritten for COPY. */
  get normalized(): boolean {
    return this.scanner.needsNormalizing;
  }

  get warnings() {
    return this.scanner.warnings();
  }

  /**
   * COPY's input: the data records, the file's own bytes wherever COPY reads them as dbt
   * would, rewritten where it would not. Reads on as it goes; with `types`, throws
   * `SeedTypesChanged` as soon as a piece calls for other types.
   */
  async *data(types: readonly string[] | null): AsyncGenerator<Uint8Array> {
    for (let i = 0; ; i++) {
      if (i === this.ranges.length) {
        if (this.scanner.done) return;
        this.ranges.push(this.scanner.read(this.scanner.offset + CHUNK_BYTES));
        if (types !== null && this.scanner.columns().some((column, at) => column.type !== types[at])) throw new SeedTypesChanged();
      }
      const range = this.ranges[i];
      if (range.end === range.start) continue;
      yield range.dirty ? normalizeCsv(this.bytes, range, this.options.delimiter, this.header.length, this.scanner.crlf) : this.bytes.subarray(range.start, range.end);
    }
  }
}
