/**
 * Checks, before anything reaches the database, that a value can be read as a column's
 * `column_types` type, for the types whose input rules are simple enough to repeat here
 * exactly (a subset of what every supported Postgres version accepts). Other types
 * (dates, uuid, json, ...) are left to COPY, whose error is mapped back to the CSV line.
 */
export type ValueChecker = (value: string) => string | null;

const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  int2: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  int: [-2147483648n, 2147483647n],
  int4: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
  int8: [-9223372036854775808n, 9223372036854775807n],
};

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const DECIMAL_TEXT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const FLOAT_WORDS = /^\s*([+-]?(infinity|inf)|nan)\s*$/i;

function integerChecker(type: string, [min, max]: [bigint, bigint]): ValueChecker {
  return (value) => {
    if (!INTEGER_TEXT.test(value)) return `is not an integer`;
    const number = BigInt(value.trim());
    return number < min || number > max ? `is out of range for type ${type}` : null;
  };
}

function numericChecker(precision: number | null, scale: number): ValueChecker {
  return (value) => {
    if (FLOAT_WORDS.test(value)) {
      if (/nan/i.test(value) || precision === null) return null;
      return `cannot be infinite in numeric(${precision},${scale})`;
    }
    if (!DECIMAL_TEXT.test(value)) return 'is not a number';
    if (precision === null || /[eE]/.test(value)) return null;
    const integerPart = value.trim().replace(/^[+-]/, '').split('.')[0].replace(/^0+/, '');
    return integerPart.length > precision - scale ? `does not fit numeric(${precision},${scale}): at most ${precision - scale} digits before the point` : null;
  };
}

const floatChecker: ValueChecker = (value) => (DECIMAL_TEXT.test(value) || FLOAT_WORDS.test(value) ? null : 'is not a number');

/** Postgres's boolean input: t/true/y/yes/on/1, f/false/n/no/off/0 and unique prefixes, any case. */
const booleanChecker: ValueChecker = (value) => {
  const word = value.trim().toLowerCase();
  const prefixOf = (full: string, min = 1) => word.length >= min && full.startsWith(word);
  const ok = word === '1' || word === '0' || prefixOf('true') || prefixOf('false') || prefixOf('yes') || prefixOf('no') || prefixOf('on', 2) || prefixOf('off', 2);
  return ok ? null : 'is not a boolean (true/false, t/f, yes/no, on/off, 1/0)';
};

function lengthChecker(type: string, limit: number): ValueChecker {
  return (value) => {
    // Postgres silently drops trailing spaces beyond the limit, and only those.
    const length = [...value.replace(/ +$/, '')].length;
    return length > limit ? `is too long for ${type} (${length} characters)` : null;
  };
}

/** The checker for a `column_types` type, or null when COPY alone will judge the values. */
export function valueChecker(type: string): ValueChecker | null {
  const normalized = type
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*\(\s*/, '(')
    .replace(/\s*,\s*/, ',')
    .replace(/\s*\)/, ')');
  if (normalized.endsWith(']')) return null;
  const range = INTEGER_RANGES[normalized];
  if (range) return integerChecker(normalized, range);
  const numeric = /^(numeric|decimal)(?:\((\d+)(?:,(-?\d+))?\))?$/.exec(normalized);
  if (numeric) return numericChecker(numeric[2] === undefined ? null : Number(numeric[2]), numeric[3] === undefined ? 0 : Number(numeric[3]));
  if (/^(real|float4|float8|double precision|float(\(\d+\))?)$/.test(normalized)) return floatChecker;
  if (normalized === 'boolean' || normalized === 'bool') return booleanChecker;
  const sized = /^(varchar|character varying|char|character|bpchar)\((\d+)\)$/.exec(normalized);
  if (sized) return lengthChecker(normalized, Number(sized[2]));
  return null;
}
