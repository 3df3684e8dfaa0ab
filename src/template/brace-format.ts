import { numericValue, pythonRepr, pythonStr } from './python-values.js';

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

function groupThousands(digits: string, separator: string): string {
  const [whole, fraction] = digits.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** One `{...:spec}` value formatted as Python's format() would. */
export function formatValue(value: unknown, spec: string): string {
  // Objects that format themselves (dates: `'{:%Y-%m}'.format(d)`), as Python's __format__.
  const formatter = (value as { __format__?: unknown } | null)?.__format__;
  if (typeof formatter === 'function') return String(formatter.call(value, spec));
  if (spec === '') return pythonStr(value);
  const match = SPEC.exec(spec);
  if (!match) throw new Error(`Invalid format specifier '${spec}'`);
  const [, fillGiven, alignGiven, sign = '-', , zero, widthText, grouping, precisionText, type] = match;
  const plain = numericValue(value);
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  let text: string;
  let numeric = plain !== undefined;
  if (plain !== undefined) {
    const magnitude = Math.abs(plain);
    switch (type) {
      case 'd':
      case 'n':
        text = String(Math.trunc(magnitude));
        break;
      case 'f':
      case 'F':
        text = magnitude.toFixed(precision ?? 6);
        break;
      case 'e':
      case 'E':
        text = magnitude.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
        if (type === 'E') text = text.toUpperCase();
        break;
      case '%':
        text = `${(magnitude * 100).toFixed(precision ?? 6)}%`;
        break;
      case 'x':
      case 'X':
        text = Math.trunc(magnitude).toString(16);
        if (type === 'X') text = text.toUpperCase();
        break;
      case 'o':
        text = Math.trunc(magnitude).toString(8);
        break;
      case 'b':
        text = Math.trunc(magnitude).toString(2);
        break;
      default:
        text = precision === undefined ? String(magnitude) : String(Number(magnitude.toPrecision(Math.max(precision, 1))));
    }
    if (grouping) text = groupThousands(text, grouping);
    if (plain < 0 || Object.is(plain, -0)) text = `-${text}`;
    else if (sign === '+' || sign === ' ') text = `${sign}${text}`;
  } else {
    numeric = false;
    text = pythonStr(value);
    if (precision !== undefined) text = text.slice(0, precision);
  }
  const width = widthText === undefined ? 0 : Number(widthText);
  if (text.length >= width) return text;
  const fill = fillGiven ?? (zero && numeric ? '0' : ' ');
  const align = alignGiven ?? (zero && numeric ? '=' : numeric ? '>' : '<');
  const padding = width - text.length;
  switch (align) {
    case '<':
      return text + fill.repeat(padding);
    case '^':
      return fill.repeat(Math.floor(padding / 2)) + text + fill.repeat(Math.ceil(padding / 2));
    case '=': {
      const signPart = /^[-+ ]/.test(text) ? text[0] : '';
      return signPart + fill.repeat(padding) + text.slice(signPart.length);
    }
    default:
      return fill.repeat(padding) + text;
  }
}

/** How a field's `.attr` or `[key]` step is read: the caller passes the template's own attribute lookup. */
export type FieldLookup = (value: unknown, key: string) => unknown;

/**
 * Python's `str.format`: `{}`, `{0}`, `{name}`, `{x.attr}`, `{x[0]}`, conversions `!r`/`!s`
 * and format specs (`{:>10}`, `{:.2f}`, `{:,}`), with `{{`/`}}` for literal braces.
 */
export function braceFormat(format: string, positional: unknown[], keywords: Record<string, unknown>, lookup: FieldLookup): string {
  let next = 0;
  return format.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (match, field: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const [, name = '', conversion, spec = ''] = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/.exec(field ?? '') ?? [];
    const [head, ...path] = name.split(/(?=[.[])/);
    let value: unknown;
    if (head === '') value = positional[next++];
    else if (/^\d+$/.test(head)) value = positional[Number(head)];
    else if (Object.prototype.hasOwnProperty.call(keywords, head)) value = keywords[head];
    else throw new Error(`KeyError: '${head}'`);
    for (const step of path) value = lookup(value, step.startsWith('[') ? step.slice(1, -1) : step.slice(1));
    if (conversion === 'r' || conversion === 'a') value = pythonRepr(value);
    else if (conversion === 's') value = pythonStr(value);
    return formatValue(value, spec);
  });
}
