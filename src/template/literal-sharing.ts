/**
 * One compiled template for files that differ only in string literals. Generated and
 * real projects repeat a few shapes thousands of times (`select ... from {{ ref('m_12') }}`,
 * a YAML test's `{{ test_not_null(column_name="id", model=get_where_subquery(ref('orders'))) }}`):
 * compiling each costs nunjucks' lexer, parser and code generator and a `new Function`, about
 * half of a cold parse. Here each string literal inside `{{ }}` and a few statement tags is
 * replaced by a name (`__kpi_lit_0`) whose value the render's context carries, so files of
 * one shape share one template.
 *
 * A name and a literal give the same value wherever an expression is read, so a render gives
 * the same text; only positions differ, which appear in errors alone: a render that fails is
 * rendered again from the file's own template (render-template.ts), so errors are exactly
 * the renderer's. Anything this scanner is not sure of (another tag, braces, a string next
 * to another string or a name, a dict key, a line break in a string) leaves the file as it is.
 */
import { readEscape } from './string-literals.js';

export interface SharedShape {
  /** The source with each lifted literal replaced by its name. */
  shape: string;
  /** Each name's value, as nunjucks' lexer (with kpi's Python escapes) reads the literal. */
  values: Record<string, string>;
}

export const LITERAL_PREFIX = '__kpi_lit_';

/** Statement tags whose contents are expressions (and their closing tags); any other tag leaves the file unshared. */
const TAGS = new Set(['set', 'endset', 'if', 'elif', 'else', 'endif', 'for', 'endfor', 'do']);
const NAME_CHAR = /[A-Za-z0-9_]/;

/** The literal's value as the lexer reads it (string-literals.ts), and where its closing quote is (-1: unclosed). */
function readString(source: string, at: number): { value: string; end: number } {
  const quote = source[at];
  let value = '';
  let index = at + 1;
  while (index < source.length && source[index] !== quote) {
    if (source[index] === '\\') {
      const escape = readEscape(source, index + 1);
      value += escape.value;
      index += 1 + escape.length;
    } else {
      value += source[index];
      index++;
    }
  }
  return { value, end: index < source.length ? index : -1 };
}

function previousNonSpace(source: string, at: number): string {
  let index = at - 1;
  while (index >= 0 && /\s/.test(source[index])) index--;
  return index >= 0 ? source[index] : '';
}

function nextNonSpace(source: string, at: number): string {
  let index = at;
  while (index < source.length && /\s/.test(source[index])) index++;
  return index < source.length ? source[index] : '';
}

/** The file as a shared shape and its literals, or null when it has none to lift or anything is unsure. */
export function shareLiterals(source: string): SharedShape | null {
  if (!source.includes('{{') && !source.includes('{%')) return null;
  const values: Record<string, string> = {};
  let shape = '';
  let copied = 0;
  let count = 0;
  let index = 0;
  while (index < source.length) {
    const open = source.indexOf('{', index);
    if (open < 0) break;
    const kind = source[open + 1];
    if (kind === '#') {
      const close = source.indexOf('#}', open + 2);
      if (close < 0) return null;
      index = close + 2;
      continue;
    }
    if (kind !== '{' && kind !== '%') {
      index = open + 1;
      continue;
    }
    const end = kind === '{' ? '}}' : '%}';
    let at = open + 2;
    if (kind === '%') {
      const name = /^[-+]?\s*([A-Za-z_]\w*)/.exec(source.slice(at, at + 40));
      if (!name || !TAGS.has(name[1])) return null;
    }
    // The tag's code: strings are read as the lexer reads them; a brace (a dict, kpi's brace counting) is not followed here.
    for (;;) {
      if (at >= source.length) return null;
      const char = source[at];
      if (source.startsWith(end, at)) break;
      if (char === '{' || char === '}') return null;
      if (char === '"' || char === "'") {
        const { value, end: close } = readString(source, at);
        if (close < 0) return null;
        const raw = source.slice(at, close + 1);
        const before = previousNonSpace(source, at);
        const after = nextNonSpace(source, close + 1);
        const liftable =
          !raw.includes('\n') &&
          !raw.includes('\r') &&
          before !== '"' &&
          before !== "'" &&
          after !== '"' &&
          after !== "'" &&
          after !== ':' &&
          !NAME_CHAR.test(source[at - 1] ?? '') &&
          !NAME_CHAR.test(source[close + 1] ?? '') &&
          source[at - 1] !== '.';
        if (liftable) {
          const name = `${LITERAL_PREFIX}${count++}`;
          values[name] = value;
          shape += `${source.slice(copied, at)}${name}`;
          copied = close + 1;
        }
        at = close + 1;
        continue;
      }
      at++;
    }
    index = at + 2;
  }
  if (count === 0) return null;
  return { shape: shape + source.slice(copied), values };
}
