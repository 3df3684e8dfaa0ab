import { KpiError } from '../errors.js';
import type { SeedFile } from './seed-file.js';
import { bomLength } from './seed-scanner.js';
import { fieldText, tokenizeCsv } from './tokenize-csv.js';

/** Where COPY said it failed: `COPY t, line 3, column amount: "abc"`. */
interface CopyPosition {
  line: number;
  column: string | null;
  /** The value as Postgres printed it (cut to 100 bytes and "..."); null for a NULL input. */
  value: string | null;
}

function copyPosition(where: string): CopyPosition | null {
  const match = /COPY [^\n]*?, line (\d+)(?:, column (.+?): (?:"([\s\S]*)"|null input))?$/m.exec(where);
  if (!match) return null;
  return { line: Number(match[1]), column: match[2] ?? null, value: match[3] ?? null };
}

function sameValue(value: string, printed: string): boolean {
  return value === printed || (printed.endsWith('...') && value.startsWith(printed.slice(0, -3)));
}

/**
 * The file line of the record COPY rejected. Postgres counts a record's line as its
 * position among the records sent, plus some (not all) of the line breaks inside quoted
 * values before it, so the count alone is ambiguous: among the records it could mean,
 * the one holding the value Postgres printed is the one.
 */
function recordLine(seed: SeedFile, position: CopyPosition): number | null {
  const columnIndex = position.column === null ? -1 : seed.header.findIndex((column) => column.name === position.column);
  let index = 0;
  let breaksBefore = 0;
  let fallback: number | null = null;
  let found: number | null = null;
  let header = true;
  tokenizeCsv(seed.bytes, { delimiter: seed.options.delimiter.charCodeAt(0), start: bomLength(seed.bytes), file: seed.file, expectedFields: seed.header.length }, (record) => {
    if (header) {
      header = false;
      return;
    }
    if (record.blank) return;
    index++;
    const breaks = record.lastLine - record.line;
    if (index > position.line) return false;
    if (position.line <= index + breaksBefore + breaks) {
      fallback ??= record.line;
      const value = columnIndex >= 0 ? fieldText(seed.bytes, record, columnIndex) : null;
      if (columnIndex < 0 || position.value === null || (value !== null && sameValue(value, position.value))) {
        found = record.line;
        return false;
      }
    }
    breaksBefore += breaks;
  });
  return found ?? fallback;
}

/**
 * A COPY failure as a seed error: the file, the line and the column of the value Postgres
 * refused. `into` says which types COPY was reading with: the ones this load planned, or
 * (a reload) the existing table's.
 */
export function seedCopyError(error: unknown, seed: SeedFile, into: 'new table' | 'existing table'): KpiError {
  const pg = error as { message?: string; where?: string };
  const position = typeof pg.where === 'string' ? copyPosition(pg.where) : null;
  const line = position ? recordLine(seed, position) : null;
  const column = position?.column ? seed.header.find((candidate) => candidate.name === position.column) : undefined;
  const header = column?.header ?? position?.column ?? null;
  const message = `${header === null ? '' : `column ${JSON.stringify(header)}: `}${pg.message ?? String(error)}`;
  const hint =
    into === 'existing table'
      ? 'a reload keeps the column types of the table it loads into; run with --full-refresh to rebuild the table with the types this file needs'
      : column?.declared
        ? `fix the value, or change column_types.${column.header}`
        : 'fix the value, or set column_types for its column';
  return new KpiError('KPI_SEED_INVALID', message, { location: { file: seed.file, ...(line === null ? {} : { line }) }, hint, cause: error });
}
