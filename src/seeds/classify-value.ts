/**
 * Type inference for seed columns, one value at a time, on the file's bytes: decoding
 * millions of fields into strings first would cost more than loading them.
 *
 * A value's class is the set of column types it fits *without changing what it says*:
 * '007' fits no number (the zeros would go), '1e3' fits numeric, '2024-02-30' fits no
 * date. A column's type is the narrowest type in the intersection over all its non-null
 * values; an empty intersection is text, and a column with no values at all is integer.
 */

export const INTEGER = 1;
export const BIGINT = 2;
export const NUMERIC = 4;
export const BOOLEAN = 8;
export const DATE = 16;
export const TIMESTAMP = 32;
export const TIMESTAMPTZ = 64;
/** The class of a column before it has seen a value: every type is still possible. */
export const ANY_TYPE = INTEGER | BIGINT | NUMERIC | BOOLEAN | DATE | TIMESTAMP | TIMESTAMPTZ;
export const TEXT_ONLY = 0;

/** Narrowest first: the column gets the first of these its values all fit. */
const TYPE_NAMES: ReadonlyArray<[number, string]> = [
  [INTEGER, 'integer'],
  [BIGINT, 'bigint'],
  [NUMERIC, 'numeric'],
  [BOOLEAN, 'boolean'],
  [DATE, 'date'],
  [TIMESTAMP, 'timestamp'],
  [TIMESTAMPTZ, 'timestamptz'],
];

/**
 * The Postgres type for a column whose values' classes intersect to `mask`. A column with
 * no values at all (`ANY_TYPE`) is integer, as dbt Core types it (agate tries Integer
 * first and a NULL passes every test): projects such as dbt-codegen's expect it.
 */
export function columnType(mask: number): string {
  for (const [bit, name] of TYPE_NAMES) if (mask & bit) return name;
  return 'text';
}

const ZERO = 0x30;
const NINE = 0x39;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const COLON = 0x3a;

const INT32_MAX = '2147483647';
const INT32_MIN = '2147483648';
const INT64_MAX = '9223372036854775807';
const INT64_MIN = '9223372036854775808';

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= NINE;
}

/** Compare equal-length runs of digits as numbers (lexicographic order is numeric order). */
function digitsAtMost(bytes: Uint8Array, start: number, limit: string): boolean {
  for (let i = 0; i < limit.length; i++) {
    const byte = bytes[start + i];
    const max = limit.charCodeAt(i);
    if (byte !== max) return byte < max;
  }
  return true;
}

function integerClass(bytes: Uint8Array, start: number, digits: number, negative: boolean): number {
  if (digits < 10) return INTEGER | BIGINT | NUMERIC;
  if (digits === 10) return digitsAtMost(bytes, start, negative ? INT32_MIN : INT32_MAX) ? INTEGER | BIGINT | NUMERIC : BIGINT | NUMERIC;
  if (digits < 19) return BIGINT | NUMERIC;
  if (digits === 19) return digitsAtMost(bytes, start, negative ? INT64_MIN : INT64_MAX) ? BIGINT | NUMERIC : NUMERIC;
  return NUMERIC;
}

/** 'true' or 'false' in any case, as dbt's type tester (and Postgres) read them. */
function isBoolean(bytes: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  const word = length === 4 ? 'true' : length === 5 ? 'false' : null;
  if (word === null) return false;
  for (let i = 0; i < length; i++) {
    if ((bytes[start + i] | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

function twoDigits(bytes: Uint8Array, at: number): number {
  const tens = bytes[at];
  const ones = bytes[at + 1];
  if (!isDigit(tens) || !isDigit(ones)) return -1;
  return (tens - ZERO) * 10 + (ones - ZERO);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * ISO 8601 as Postgres reads it whatever its DateStyle: `YYYY-MM-DD`, optionally
 * followed by `T` or a space, `HH:MM[:SS[.ffffff]]` and an offset (`Z`, `+HH`, `+HH:MM`,
 * `+HHMM`). A value with an offset is an instant (timestamptz); one without is a wall
 * clock time (timestamp): loading an offset into `timestamp` would silently drop it.
 */
function dateTimeClass(bytes: Uint8Array, start: number, end: number): number {
  if (end - start < 10 || bytes[start + 4] !== MINUS || bytes[start + 7] !== MINUS) return TEXT_ONLY;
  const century = twoDigits(bytes, start);
  const yearInCentury = twoDigits(bytes, start + 2);
  const month = twoDigits(bytes, start + 5);
  const day = twoDigits(bytes, start + 8);
  if (century < 0 || yearInCentury < 0 || month < 1 || month > 12 || day < 1) return TEXT_ONLY;
  const year = century * 100 + yearInCentury;
  if (year === 0 || day > daysInMonth(year, month)) return TEXT_ONLY;
  if (end - start === 10) return DATE | TIMESTAMP;

  let i = start + 10;
  const separator = bytes[i];
  if (separator !== 0x54 /* T */ && separator !== 0x20) return TEXT_ONLY;
  i++;
  if (end - i < 5 || bytes[i + 2] !== COLON) return TEXT_ONLY;
  const hour = twoDigits(bytes, i);
  const minute = twoDigits(bytes, i + 3);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return TEXT_ONLY;
  i += 5;
  if (i < end && bytes[i] === COLON) {
    const second = twoDigits(bytes, i + 1);
    if (end - i < 3 || second < 0 || second > 59) return TEXT_ONLY;
    i += 3;
    if (i < end && bytes[i] === DOT) {
      const fractionStart = ++i;
      while (i < end && isDigit(bytes[i])) i++;
      // Postgres keeps microseconds; more digits would be rounded away.
      if (i === fractionStart || i - fractionStart > 6) return TEXT_ONLY;
    }
  }
  if (i === end) return TIMESTAMP;
  return offsetAt(bytes, i, end) ? TIMESTAMPTZ : TEXT_ONLY;
}

function offsetAt(bytes: Uint8Array, i: number, end: number): boolean {
  const sign = bytes[i];
  if (sign === 0x5a /* Z */) return i + 1 === end;
  if (sign !== PLUS && sign !== MINUS) return false;
  const hours = twoDigits(bytes, i + 1);
  if (end - i < 3 || hours < 0 || hours > 15) return false;
  i += 3;
  if (i === end) return true;
  if (bytes[i] === COLON) i++;
  const minutes = twoDigits(bytes, i);
  return end - i === 2 && minutes >= 0 && minutes <= 59;
}

/**
 * The types one non-null value fits, as a mask of the constants above. Numbers have no
 * leading zeros ('0', '0.5' and '-0.25' are numbers; '007' and '00.5' are text), no
 * '+', no spaces, no thousands separators: what Postgres would store the same way.
 */
export function classifyValue(bytes: Uint8Array, start: number, end: number): number {
  if (start >= end) return TEXT_ONLY;
  let i = start;
  const negative = bytes[i] === MINUS;
  if (negative) i++;
  const intStart = i;
  while (i < end && isDigit(bytes[i])) i++;
  const intDigits = i - intStart;
  if (intDigits === 0) return negative ? TEXT_ONLY : isBoolean(bytes, start, end) ? BOOLEAN : TEXT_ONLY;
  if (i === end) {
    if (intDigits > 1 && bytes[intStart] === ZERO) return TEXT_ONLY;
    return integerClass(bytes, intStart, intDigits, negative);
  }
  if (!negative && intDigits === 4 && bytes[i] === MINUS) return dateTimeClass(bytes, start, end);
  return decimalClass(bytes, intStart, intDigits, i, end);
}

/** `(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]{1,3})?`, with a fraction or an exponent. */
function decimalClass(bytes: Uint8Array, intStart: number, intDigits: number, i: number, end: number): number {
  if (intDigits > 1 && bytes[intStart] === ZERO) return TEXT_ONLY;
  if (bytes[i] === DOT) {
    const fractionStart = ++i;
    while (i < end && isDigit(bytes[i])) i++;
    if (i === fractionStart) return TEXT_ONLY;
    if (i === end) return NUMERIC;
  }
  if ((bytes[i] | 0x20) !== 0x65 /* e */) return TEXT_ONLY;
  i++;
  if (bytes[i] === PLUS || bytes[i] === MINUS) i++;
  const exponentStart = i;
  while (i < end && isDigit(bytes[i])) i++;
  const exponentDigits = i - exponentStart;
  // Postgres numerics reach about 1e131072: a longer exponent is not a number it can hold.
  return i === end && exponentDigits > 0 && exponentDigits <= 3 ? NUMERIC : TEXT_ONLY;
}

/** For tests and messages: the class of a string value. */
export function classifyText(value: string): number {
  const bytes = Buffer.from(value, 'utf8');
  return classifyValue(bytes, 0, bytes.length);
}
