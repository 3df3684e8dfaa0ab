/**
 * dbt's static parser: most models' Jinja is nothing but `{{ ref('x') }}`,
 * `{{ source('a', 'b') }}` and `{{ config(key=literal, ...) }}` around plain SQL. Such a file
 * is read here, by a small tokenizer, into its text and its calls with their literal
 * arguments, so parsing (and compiling, see compile/) need not compile it with nunjucks.
 *
 * Anything else (a tag `{% %}`, another name, an expression, a filter, a literal whose value
 * could differ from what nunjucks makes of it) gives null, and the caller renders the file.
 * The values built here are the ones nunjucks builds for the same literals (Python string
 * escapes through `readEscape`, kwargs as nunjucks' `__keywords` object), so the calls are
 * made with the same arguments either way.
 */
import nunjucks from 'nunjucks';
import { callConfig, callRef, callSource, type ContextHost } from './node-context.js';
import { readEscape } from './string-literals.js';

export type StaticFunction = 'ref' | 'source' | 'config';

export interface StaticCall {
  name: StaticFunction;
  /** As nunjucks passes them: positional values, then a `__keywords` object when there are keyword arguments. */
  args: unknown[];
}

export interface StaticTemplate {
  /** Text and calls in source order; comments are gone, as in the rendered output. */
  parts: Array<string | StaticCall>;
  /** No whitespace control (`{{-`, `-}}`, `{#-`): the output is the text and the calls' values, untouched. */
  plain: boolean;
}

const FUNCTIONS: ReadonlySet<string> = new Set(['ref', 'source', 'config']);
const CONSTANTS: Record<string, unknown> = { true: true, True: true, false: false, False: false, none: null, None: null };

/** Names and keyword arguments, read in place (sticky) instead of from a slice of the text. */
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const KEYWORD = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/y;

/** `{`, `%` or `#` after a `{`: the start of an expression, a tag or a comment. */
function opensJinja(code: number): boolean {
  return code === 123 || code === 37 || code === 35;
}

function hasBackslash(text: string, from: number, to: number): boolean {
  for (let at = from; at < to; at++) if (text.charCodeAt(at) === 92) return true;
  return false;
}

/** Thrown where the file is not static; not an Error, so no stack is captured for the many files that are not. */
const NOT_STATIC = Symbol('not static');

function fail(): never {
  throw NOT_STATIC;
}

/** A reader of one `{{ ... }}` expression, from just after its opening braces. */
class ExpressionReader {
  constructor(
    private readonly text: string,
    public at: number,
  ) {}

  private skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  peek(): string {
    this.skipSpace();
    return this.text[this.at] ?? '';
  }

  expect(char: string): void {
    if (this.peek() !== char) fail();
    this.at++;
  }

  name(): string {
    this.skipSpace();
    // Read in place (no slice of the text a name); at most 100 characters, as a read of the next 100 gave.
    NAME.lastIndex = this.at;
    const match = NAME.exec(this.text);
    if (!match) fail();
    const name = match[0].length > 100 ? match[0].slice(0, 100) : match[0];
    this.at += name.length;
    return name;
  }

  private string(): string {
    let value = '';
    // Adjacent literals join, as Jinja's parser joins them.
    while (this.peek() === "'" || this.peek() === '"') {
      const quote = this.text[this.at++];
      // Without escapes, the literal is the text up to its closing quote, taken whole.
      const close = this.text.indexOf(quote, this.at);
      if (close >= 0 && !hasBackslash(this.text, this.at, close)) {
        value += this.text.slice(this.at, close);
        this.at = close + 1;
        continue;
      }
      for (;;) {
        const char = this.text[this.at];
        if (char === undefined) fail();
        if (char === quote) break;
        if (char === '\\') {
          const escape = readEscape(this.text, this.at + 1);
          value += escape.value;
          this.at += 1 + escape.length;
        } else {
          value += char;
          this.at++;
        }
      }
      this.at++;
    }
    return value;
  }

  private number(): number {
    // Plain decimals only: `1_000`, `1e3` and `0x1F` are nunjucks' (patched) business.
    const match = /^-?\s*\d+(?:\.\d+)?(?![\w.])/.exec(this.text.slice(this.at, this.at + 100));
    if (!match) fail();
    this.at += match[0].length;
    return Number(match[0].replace(/\s/g, ''));
  }

  value(): unknown {
    const char = this.peek();
    if (char === "'" || char === '"') return this.string();
    if (char === '-' || /\d/.test(char)) return this.number();
    if (char === '[') return this.sequence(']', () => this.value());
    if (char === '{') {
      const entries = this.sequence('}', () => {
        if (this.peek() !== "'" && this.peek() !== '"') fail();
        const key = this.string();
        this.expect(':');
        return [key, this.value()] as const;
      });
      const dict: Record<string, unknown> = {};
      for (const [key, value] of entries) {
        // A repeated key or `__proto__` is left to nunjucks.
        if (Object.prototype.hasOwnProperty.call(dict, key) || key === '__proto__') fail();
        dict[key] = value;
      }
      return dict;
    }
    const name = this.name();
    if (!Object.prototype.hasOwnProperty.call(CONSTANTS, name)) fail();
    return CONSTANTS[name];
  }

  /** `open item, item close`, no trailing comma; `at` is on the opening bracket. */
  private sequence<T>(close: string, item: () => T): T[] {
    this.at++;
    const items: T[] = [];
    if (this.peek() === close) {
      this.at++;
      return items;
    }
    for (;;) {
      items.push(item());
      const next = this.peek();
      this.at++;
      if (next === close) return items;
      if (next !== ',') fail();
    }
  }

  /** `name =` (not `==`) at `at`, as read from the next 200 characters: in place when the match ends well inside them, else from those characters. */
  private keyword(): RegExpExecArray | null {
    KEYWORD.lastIndex = this.at;
    const match = KEYWORD.exec(this.text);
    if (match && match[0].length < 199) return match;
    return /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/.exec(this.text.slice(this.at, this.at + 200));
  }

  call(): StaticCall {
    const name = this.name();
    if (!FUNCTIONS.has(name)) fail();
    this.expect('(');
    const positional: unknown[] = [];
    const keywords: Record<string, unknown> = {};
    let keywordSeen = false;
    if (this.peek() === ')') this.at++;
    else {
      for (;;) {
        const start = this.at;
        const keyword = this.keyword();
        if (keyword && !Object.prototype.hasOwnProperty.call(CONSTANTS, keyword[1])) {
          this.at = start + keyword[0].length;
          if (Object.prototype.hasOwnProperty.call(keywords, keyword[1]) || keyword[1] === '__keywords' || keyword[1] === '__proto__') fail();
          keywords[keyword[1]] = this.value();
          keywordSeen = true;
        } else {
          if (keywordSeen) fail();
          positional.push(this.value());
        }
        const next = this.peek();
        this.at++;
        if (next === ')') break;
        if (next !== ',') fail();
      }
    }
    return { name: name as StaticFunction, args: keywordSeen ? [...positional, { __keywords: true, ...keywords }] : positional };
  }
}

/** The file's text and calls when its Jinja is static, else null (render it). */
export function parseStaticTemplate(source: string): StaticTemplate | null {
  try {
    return readTemplate(source);
  } catch (error) {
    if (error === NOT_STATIC) return null;
    throw error;
  }
}

function readTemplate(source: string): StaticTemplate {
  const parts: Array<string | StaticCall> = [];
  let plain = true;
  let at = 0;
  for (;;) {
    const open = source.indexOf('{', at);
    let next = open;
    while (next >= 0 && !opensJinja(source.charCodeAt(next + 1))) next = source.indexOf('{', next + 1);
    if (next < 0) {
      if (at < source.length) parts.push(source.slice(at));
      return { parts, plain };
    }
    if (next > at) parts.push(source.slice(at, next));
    const kind = source[next + 1];
    if (kind === '%') fail();
    if (kind === '#') {
      const close = source.indexOf('#}', next + 2);
      if (close < 0) fail();
      if (source[next + 2] === '-' || source[close - 1] === '-' || source[next + 2] === '+') plain = false;
      at = close + 2;
      continue;
    }
    let start = next + 2;
    if (source[start] === '-') {
      plain = false;
      start++;
    } else if (source[start] === '+') fail();
    const reader = new ExpressionReader(source, start);
    parts.push(reader.call());
    if (reader.peek() === '-') {
      plain = false;
      reader.at++;
    }
    if (!source.startsWith('}}', reader.at)) fail();
    at = reader.at + 2;
  }
}

/** Make one call on the host, as the rendered template's context function would. */
export function callStatic(host: ContextHost, call: StaticCall): unknown {
  if (call.name === 'ref') return callRef(host, call.args);
  if (call.name === 'source') return callSource(host, call.args);
  return callConfig(host, call.args);
}

const runtime = (nunjucks as unknown as { runtime: { suppressValue(value: unknown, autoescape: boolean): unknown } }).runtime;

/**
 * The template's output without nunjucks: its text, and each call's value as nunjucks
 * prints it (its `suppressValue`, with kpi's patches installed by the environment). Only for
 * a `plain` template (no whitespace control to apply).
 */
export function renderStatic(template: StaticTemplate, host: ContextHost): string {
  let output = '';
  for (const part of template.parts) output += typeof part === 'string' ? part : (runtime.suppressValue(callStatic(host, part), false) as string);
  return output;
}
