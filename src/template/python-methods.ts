import { braceFormat, type FieldLookup } from './brace-format.js';

/** Python `str` methods that dbt templates call on strings (`name.upper()`, `x.split(',')`). */

function strip(text: string, chars: string | undefined, side: 'both' | 'left' | 'right'): string {
  const set = chars ?? ' \t\n\r\f\v';
  let start = 0;
  let end = text.length;
  if (side !== 'right') while (start < end && set.includes(text[start])) start++;
  if (side !== 'left') while (end > start && set.includes(text[end - 1])) end--;
  return text.slice(start, end);
}

function split(text: string, separator?: string | null, maxSplit = -1): string[] {
  if (separator === undefined || separator === null) {
    const parts = text
      .trim()
      .split(/\s+/)
      .filter((part) => part.length > 0);
    return maxSplit < 0 || parts.length <= maxSplit ? parts : [...parts.slice(0, maxSplit), parts.slice(maxSplit).join(' ')];
  }
  const parts = text.split(separator);
  if (maxSplit < 0 || parts.length <= maxSplit + 1) return parts;
  return [...parts.slice(0, maxSplit), parts.slice(maxSplit).join(separator)];
}

function format(text: string, args: unknown[], lookup: FieldLookup): string {
  const last = args[args.length - 1];
  const hasKeywords = typeof last === 'object' && last !== null && Object.prototype.hasOwnProperty.call(last, '__keywords');
  const keywords = hasKeywords ? (last as Record<string, unknown>) : {};
  return braceFormat(text, hasKeywords ? args.slice(0, -1) : args, keywords, lookup);
}

type StringMethod = (text: string, ...args: any[]) => unknown;

const STRING_METHODS: Record<string, StringMethod> = {
  upper: (text) => text.toUpperCase(),
  lower: (text) => text.toLowerCase(),
  strip: (text, chars?: string) => strip(text, chars, 'both'),
  lstrip: (text, chars?: string) => strip(text, chars, 'left'),
  rstrip: (text, chars?: string) => strip(text, chars, 'right'),
  split: (text, separator?: string, maxSplit?: number) => split(text, separator, maxSplit),
  startswith: (text, prefix: string | string[]) => (Array.isArray(prefix) ? prefix : [prefix]).some((p) => text.startsWith(p)),
  endswith: (text, suffix: string | string[]) => (Array.isArray(suffix) ? suffix : [suffix]).some((s) => text.endsWith(s)),
  replace: (text, old: string, replacement: string) => text.split(old).join(replacement),
  join: (text, items: unknown[]) => items.map(String).join(text),
  title: (text) => text.toLowerCase().replace(/(^|[^a-zA-Z])([a-z])/g, (_, before: string, letter: string) => before + letter.toUpperCase()),
  capitalize: (text) => text.charAt(0).toUpperCase() + text.slice(1).toLowerCase(),
  isdigit: (text) => /^\d+$/.test(text),
  isalpha: (text) => /^[a-zA-Z]+$/.test(text),
  isupper: (text) => text.toUpperCase() === text && /[A-Z]/.test(text),
  islower: (text) => text.toLowerCase() === text && /[a-z]/.test(text),
  count: (text, part: string) => (part === '' ? text.length + 1 : text.split(part).length - 1),
  find: (text, part: string) => text.indexOf(part),
  index: (text, part: string) => {
    const at = text.indexOf(part);
    if (at < 0) throw new Error('substring not found');
    return at;
  },
  zfill: (text, width: number) => text.padStart(width, '0'),
  ljust: (text, width: number, fill = ' ') => text.padEnd(width, fill),
  rjust: (text, width: number, fill = ' ') => text.padStart(width, fill),
  splitlines: (text) => text.split(/\r?\n/),
  casefold: (text) => text.toLowerCase(),
  removeprefix: (text, prefix: string) => (text.startsWith(prefix) ? text.slice(prefix.length) : text),
  removesuffix: (text, suffix: string) => (suffix && text.endsWith(suffix) ? text.slice(0, -suffix.length) : text),
  rsplit: (text, separator?: string | null, maxSplit = -1) => {
    if (maxSplit < 0 || separator === undefined || separator === null) return split(text, separator, maxSplit);
    const parts = text.split(separator);
    return parts.length <= maxSplit + 1 ? parts : [parts.slice(0, parts.length - maxSplit).join(separator), ...parts.slice(parts.length - maxSplit)];
  },
  partition: (text, separator: string) => {
    const at = text.indexOf(separator);
    return at < 0 ? [text, '', ''] : [text.slice(0, at), separator, text.slice(at + separator.length)];
  },
  rpartition: (text, separator: string) => {
    const at = text.lastIndexOf(separator);
    return at < 0 ? ['', '', text] : [text.slice(0, at), separator, text.slice(at + separator.length)];
  },
  rfind: (text, part: string) => text.lastIndexOf(part),
  isnumeric: (text) => /^\d+$/.test(text),
  isalnum: (text) => /^[a-zA-Z0-9]+$/.test(text),
  isspace: (text) => /^\s+$/.test(text),
  swapcase: (text) => [...text].map((char) => (char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase())).join(''),
  center: (text, width: number, fill = ' ') => {
    const padding = Math.max(0, width - text.length);
    return fill.repeat(Math.floor(padding / 2)) + text + fill.repeat(Math.ceil(padding / 2));
  },
};

/**
 * `text.name`, bound to the text. `lookup` reads `{x.attr}` fields for `format`: the caller's
 * attribute lookup, passed in so this module need not import it (it imports this one).
 */
export function pythonStringMember(text: string, name: string, lookup: FieldLookup): ((...args: unknown[]) => unknown) | undefined {
  if (name === 'format') return (...args: unknown[]) => format(text, args, lookup);
  const method = Object.prototype.hasOwnProperty.call(STRING_METHODS, name) ? STRING_METHODS[name] : undefined;
  return method ? (...args: unknown[]) => method(text, ...args) : undefined;
}
