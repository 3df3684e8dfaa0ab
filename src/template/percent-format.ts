import { isPlainObject, numericValue, plainValue, pythonRepr, pythonStr } from './python-values.js';

const SPEC = /%(?:\(([^)]*)\))?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXeEfFgGcrsa%])/g;

function pad(text: string, width: number, flags: string, numeric: boolean): string {
  if (text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width);
  if (numeric && flags.includes('0')) {
    const sign = /^[-+ ]/.test(text) ? text[0] : '';
    return sign + text.slice(sign.length).padStart(width - sign.length, '0');
  }
  return text.padStart(width);
}

function signed(text: string, negative: boolean, flags: string): string {
  if (negative) return `-${text}`;
  if (flags.includes('+')) return `+${text}`;
  if (flags.includes(' ')) return ` ${text}`;
  return text;
}

function toNumber(value: unknown, conversion: string): number {
  const plain = plainValue(value);
  if (typeof plain === 'boolean') return Number(plain);
  const number = numericValue(plain);
  if (number !== undefined) return number;
  throw new Error(`%${conversion} format: a number is required, not ${plain === null ? 'None' : typeof plain}`);
}

function convert(value: unknown, conversion: string, flags: string, precision: number | undefined): { text: string; numeric: boolean } {
  switch (conversion) {
    case 's':
      return { text: precision === undefined ? pythonStr(value) : pythonStr(value).slice(0, precision), numeric: false };
    case 'r':
    case 'a':
      return { text: pythonRepr(value), numeric: false };
    case 'c':
      return { text: typeof value === 'number' ? String.fromCodePoint(value) : String(value), numeric: false };
    case 'd':
    case 'i':
    case 'u': {
      const number = Math.trunc(toNumber(value, conversion));
      return { text: signed(String(Math.abs(number)), number < 0, flags), numeric: true };
    }
    case 'o':
    case 'x':
    case 'X': {
      const number = Math.trunc(toNumber(value, conversion));
      let digits = Math.abs(number).toString(conversion === 'o' ? 8 : 16);
      if (conversion === 'X') digits = digits.toUpperCase();
      if (flags.includes('#')) digits = (conversion === 'o' ? '0o' : conversion === 'x' ? '0x' : '0X') + digits;
      return { text: signed(digits, number < 0, flags), numeric: true };
    }
    case 'e':
    case 'E': {
      const number = toNumber(value, conversion);
      // Python always writes at least two exponent digits (1.5e+00); JavaScript writes one.
      let text = Math.abs(number)
        .toExponential(precision ?? 6)
        .replace(/e([+-])(\d)$/, 'e$10$2');
      if (conversion === 'E') text = text.toUpperCase();
      return { text: signed(text, number < 0, flags), numeric: true };
    }
    case 'f':
    case 'F': {
      const number = toNumber(value, conversion);
      return { text: signed(Math.abs(number).toFixed(precision ?? 6), number < 0, flags), numeric: true };
    }
    default: {
      const number = toNumber(value, conversion);
      const digits = precision === 0 ? 1 : (precision ?? 6);
      let text = Number(Math.abs(number).toPrecision(digits)).toString();
      if (/e/.test(text)) text = text.replace(/e([+-])(\d)$/, 'e$10$2');
      if (conversion === 'G') text = text.toUpperCase();
      return { text: signed(text, number < 0, flags), numeric: true };
    }
  }
}

/**
 * Python's `format % args` (printf-style): `'%s.%s' % (schema, name)`, `'%05.2f' % x`,
 * `'%(name)s' % {'name': ...}`. A tuple of arguments is a list here; a single value may be
 * given bare, as in Python.
 */
export function percentFormat(format: string, args: unknown): string {
  const plain = plainValue(args);
  const mapping = isPlainObject(plain) ? plain : null;
  // Tuples are lists here, so a list is the arguments, unless one `%s` is given a list of another length (Python's `'%s' % [1, 2]`).
  const specs = [...format.matchAll(SPEC)].filter((match) => match[5] !== '%').length;
  const positional = Array.isArray(plain) && !(specs === 1 && plain.length !== 1) ? plain : [plain];
  let next = 0;
  const take = (): unknown => {
    if (next >= positional.length) throw new Error('not enough arguments for format string');
    return positional[next++];
  };
  const text = format.replace(SPEC, (_match, key: string | undefined, flags: string, widthText: string | undefined, precisionText: string | undefined, conversion: string) => {
    if (conversion === '%') return '%';
    const width = widthText === '*' ? Number(take()) : widthText === undefined ? 0 : Number(widthText);
    const precision = precisionText === '*' ? Number(take()) : precisionText === undefined ? undefined : Number(precisionText);
    let value: unknown;
    if (key !== undefined) {
      if (!mapping) throw new Error('format requires a mapping');
      if (!(key in mapping)) throw new Error(`KeyError: '${key}'`);
      value = mapping[key];
    } else value = mapping ? mapping : take();
    const { text: converted, numeric } = convert(value, conversion, flags, precision);
    return pad(converted, width, flags, numeric);
  });
  if (!mapping && next < positional.length) throw new Error('not all arguments converted during string formatting');
  return text;
}
