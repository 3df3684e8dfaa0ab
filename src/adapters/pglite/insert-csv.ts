import { parse } from 'csv-parse/sync';
import type { Connection } from '../adapter.js';
import { quoteLiteral } from '../quote.js';

/** Any CSV input the adapters' `copyFromCsv` takes. */
export type CsvText = string | Uint8Array | AsyncIterable<Uint8Array>;

async function gather(csv: CsvText): Promise<string> {
  if (typeof csv === 'string') return csv;
  if (csv instanceof Uint8Array) return Buffer.from(csv).toString('utf8');
  const parts: Uint8Array[] = [];
  for await (const part of csv) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

/** Statement text per INSERT: big enough that a large seed takes few round trips. */
const BYTES_PER_STATEMENT = 512 * 1024;

/**
 * What `COPY ... FROM STDIN (FORMAT csv)` does, as multi-row INSERTs: the embedded
 * database's socket server cannot take COPY data from a client. Values keep COPY's CSV
 * rules: an unquoted empty field is null, a quoted one an empty string, and each value
 * reaches its column's type as text, as COPY reads it. The values are quoted literals,
 * not bound parameters, on purpose: a statement with parameters is several protocol
 * messages, and the socket server may run another client's query between them when a
 * big one arrives in pieces; a plain query is one message, which it runs whole.
 */
export async function insertCsv(connection: Connection, table: string, columns: readonly string[], csv: CsvText, options: { delimiter?: string; header?: boolean } = {}): Promise<number> {
  const records = parse(await gather(csv), {
    delimiter: options.delimiter ?? ',',
    from_line: options.header ? 2 : 1,
    cast: (value, context) => (value === '' && !context.quoting ? null : value),
  }) as Array<Array<string | null>>;
  const head = `insert into ${table}${columns.length > 0 ? ` (${columns.join(', ')})` : ''} values `;
  let inserted = 0;
  let tuples: string[] = [];
  let size = 0;
  const flush = async () => {
    if (tuples.length === 0) return;
    const result = await connection.query(head + tuples.join(', '));
    inserted += result.rowCount ?? tuples.length;
    tuples = [];
    size = 0;
  };
  for (const record of records) {
    const tuple = `(${record.map((value) => (value === null ? 'null' : quoteLiteral(value))).join(', ')})`;
    tuples.push(tuple);
    size += tuple.length + 2;
    if (size >= BYTES_PER_STATEMENT) await flush();
  }
  await flush();
  return inserted;
}
