/**
 * The values of a query's rows as dbt hands them to templates (psycopg2's types, cast by
 * agate): a date is a `date`, a timestamp a naive `datetime`, a timestamptz an aware one (in
 * the session's offset), a numeric or float a `Decimal` (so `1.50` keeps its scale), a time
 * a `time`, json and arrays their JSON text. The adapters return these columns as the text
 * Postgres printed (adapters/type-parsers.ts), which is what is parsed here, by column type.
 */
import { PyDecimal } from './py-decimal.js';
import { parseIsoDateTime, parseIsoTime, type PyDate } from './py-datetime.js';
import { pythonJsonDumps } from './python-builtins.js';

/** Postgres type OIDs (pg_type.oid) of the columns converted here. */
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
const TIME = 1083;
const TIMETZ = 1266;
const NUMERIC = 1700;
const FLOAT4 = 700;
const FLOAT8 = 701;

/** Postgres prints `+00`, `+05:30` or `-07:52:58`; Python's fromisoformat wants `+HH:MM[:SS]`. */
function isoOffset(text: string): string {
  return text.replace(/([+-]\d{2})$/, '$1:00');
}

function parsed<T>(value: string, parse: (text: string) => T): T | string {
  // `infinity`, BC dates and the like have no Python value: they stay text.
  try {
    return parse(value);
  } catch {
    return value;
  }
}

export function queryValue(value: unknown, dataTypeID: number | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    switch (dataTypeID) {
      case DATE:
        return parsed(value, (text) => {
          if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new Error('not a date');
          return parseIsoDateTime(text).date() as PyDate;
        });
      case TIMESTAMP:
      case TIMESTAMPTZ:
        return parsed(value, (text) => parseIsoDateTime(isoOffset(text)));
      case TIME:
      case TIMETZ:
        return parsed(value, (text) => parseIsoTime(isoOffset(text)));
      case NUMERIC:
        return parsed(value, (text) => PyDecimal.parse(text));
    }
    return value;
  }
  if (typeof value === 'number' && (dataTypeID === FLOAT4 || dataTypeID === FLOAT8)) return PyDecimal.fromFloat(value);
  // dbt turns lists and dicts (json, jsonb, arrays) into JSON text before agate sees them.
  if (Array.isArray(value) || (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)) return pythonJsonDumps(value);
  return value;
}
