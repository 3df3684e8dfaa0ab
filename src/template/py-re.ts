/**
 * `modules.re` as dbt templates use it (`re.sub`, `re.match`, `re.search`, `re.findall`,
 * `re.split`, `re.compile`, `re.escape`), on JavaScript's regular expressions. Python's
 * syntax that JavaScript spells differently is translated: leading inline flags (`(?s)`,
 * `(?i)`, `(?m)`, `(?x)`) and the `flags=` bits (re.DOTALL...) become the RegExp's flags, a
 * verbose pattern loses its whitespace and comments, named groups `(?P<name>...)`, back
 * references `(?P=name)`, `\A`/`\Z`, and `\1`/`\g<name>` in replacements.
 */
import { splitArgs } from './keyword-args.js';
import { plainValue } from './python-values.js';

export const FLAGS = { I: 2, IGNORECASE: 2, M: 8, MULTILINE: 8, S: 16, DOTALL: 16, X: 64, VERBOSE: 64, A: 256, ASCII: 256, U: 32, UNICODE: 32 };

/**
 * Python's global inline flags (`(?i)`, `(?s)`, `(?m)`, `(?x)`, `(?is)`...) at the start of a
 * pattern, as flag bits: JavaScript has no inline flags, so they become the RegExp's flags.
 */
function inlineFlags(pattern: string): { body: string; flags: number } {
  const bits: Record<string, number> = { i: FLAGS.I, m: FLAGS.M, s: FLAGS.S, x: FLAGS.X, a: FLAGS.A, u: FLAGS.U, L: 0 };
  let body = pattern;
  let flags = 0;
  for (let match = /^\(\?([aiLmsux]+)\)/.exec(body); match; match = /^\(\?([aiLmsux]+)\)/.exec(body)) {
    flags = [...match[1]].reduce((total, letter) => total | bits[letter], flags);
    body = body.slice(match[0].length);
  }
  return { body, flags };
}

/** re.VERBOSE: whitespace and `#` comments are dropped, except inside a character class or after a backslash. */
function stripVerbose(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let at = 0; at < pattern.length; at++) {
    const char = pattern[at];
    if (char === '\\') {
      out += char + (pattern[at + 1] ?? '');
      at++;
    } else if (inClass) {
      if (char === ']') inClass = false;
      out += char;
    } else if (char === '[') {
      inClass = true;
      out += char;
      // A `]` first in the class (after an optional `^`) is a member, not the end.
      if (pattern[at + 1] === '^') out += pattern[++at];
      if (pattern[at + 1] === ']') out += pattern[++at];
    } else if (char === '#') {
      while (at + 1 < pattern.length && pattern[at + 1] !== '\n') at++;
    } else if (!/\s/.test(char)) out += char;
  }
  return out;
}

function translatePattern(pattern: string, flags: number): string {
  const source = flags & FLAGS.VERBOSE ? stripVerbose(pattern) : pattern;
  return source
    .replace(/\(\?P<(\w+)>/g, '(?<$1>')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$');
}

function jsFlags(flags: number, global: boolean): string {
  return `${global ? 'g' : ''}${flags & FLAGS.IGNORECASE ? 'i' : ''}${flags & FLAGS.MULTILINE ? 'm' : ''}${flags & FLAGS.DOTALL ? 's' : ''}`;
}

/** A Python replacement template (`\1`, `\g<1>`, `\g<name>`, `\n`) filled in from one match. */
function expandReplacement(template: string, match: RegExpExecArray): string {
  return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/gs, (_text, group: string | undefined, digits: string | undefined, other: string | undefined) => {
    if (group !== undefined) return (/^\d+$/.test(group) ? match[Number(group)] : match.groups?.[group]) ?? '';
    if (digits !== undefined) return match[Number(digits)] ?? '';
    return { n: '\n', t: '\t', r: '\r', '\\': '\\' }[other as string] ?? `\\${other}`;
  });
}

/** What a successful match gives: `group()`, `groups()`, `groupdict()`, `start()`, `end()`, `span()`. */
export class PyMatch {
  constructor(private readonly match: RegExpExecArray) {}

  group(...indexes: Array<number | string>): unknown {
    const pick = (index: number | string) => (typeof index === 'number' ? this.match[index] : this.match.groups?.[index]) ?? null;
    if (indexes.length <= 1) return pick(indexes[0] ?? 0);
    return indexes.map(pick);
  }

  groups(fallback: unknown = null): unknown[] {
    return this.match.slice(1).map((value) => value ?? fallback);
  }

  groupdict(): Record<string, unknown> {
    return { ...(this.match.groups ?? {}) };
  }

  start(): number {
    return this.match.index;
  }

  end(): number {
    return this.match.index + this.match[0].length;
  }

  span(): [number, number] {
    return [this.start(), this.end()];
  }

  get string(): string {
    return this.match.input;
  }
}

export class PyPattern {
  readonly source: string;

  constructor(
    readonly pattern: string,
    givenFlags: number,
  ) {
    const inline = inlineFlags(pattern);
    // A str pattern is always UNICODE in Python 3 (its `flags` say so).
    this.flags = givenFlags | inline.flags | (givenFlags & FLAGS.ASCII || inline.flags & FLAGS.ASCII ? 0 : FLAGS.UNICODE);
    this.source = translatePattern(inline.body, this.flags);
  }

  readonly flags: number;

  private regex(global: boolean, sticky = false): RegExp {
    return new RegExp(this.source, jsFlags(this.flags, global) + (sticky ? 'y' : ''));
  }

  search(text: unknown): PyMatch | null {
    const match = this.regex(false).exec(String(plainValue(text)));
    return match ? new PyMatch(match) : null;
  }

  match(text: unknown): PyMatch | null {
    const match = this.regex(false, true).exec(String(plainValue(text)));
    return match ? new PyMatch(match) : null;
  }

  fullmatch(text: unknown): PyMatch | null {
    const value = String(plainValue(text));
    const match = new RegExp(`^(?:${this.source})$`, jsFlags(this.flags, false)).exec(value);
    return match ? new PyMatch(match) : null;
  }

  findall(text: unknown): unknown[] {
    return [...String(plainValue(text)).matchAll(this.regex(true))].map((match) =>
      match.length === 1 ? match[0] : match.length === 2 ? (match[1] ?? '') : match.slice(1).map((group) => group ?? ''),
    );
  }

  finditer(text: unknown): PyMatch[] {
    return [...String(plainValue(text)).matchAll(this.regex(true))].map((match) => new PyMatch(match as RegExpExecArray));
  }

  split(text: unknown, maxsplit = 0): string[] {
    const value = String(plainValue(text));
    const parts: string[] = [];
    let last = 0;
    let count = 0;
    for (const match of value.matchAll(this.regex(true))) {
      if (maxsplit > 0 && count >= maxsplit) break;
      parts.push(value.slice(last, match.index), ...match.slice(1));
      last = (match.index ?? 0) + match[0].length;
      count++;
    }
    parts.push(value.slice(last));
    return parts;
  }

  sub(replacement: unknown, text: unknown, count = 0): string {
    return this.subn(replacement, text, count)[0];
  }

  subn(replacement: unknown, text: unknown, count = 0): [string, number] {
    const value = String(plainValue(text));
    let done = 0;
    const limit = Number(count) || Infinity;
    const result = value.replace(this.regex(true), (...args: unknown[]) => {
      const matched = args[0] as string;
      if (done >= limit) return matched;
      done++;
      const named = typeof args[args.length - 1] === 'object' ? (args[args.length - 1] as Record<string, string>) : undefined;
      const groupsAt = named ? args.length - 3 : args.length - 2;
      const match = Object.assign([...(args.slice(0, groupsAt) as string[])], { index: args[groupsAt] as number, input: value, groups: named }) as unknown as RegExpExecArray;
      if (typeof replacement === 'function') return String(plainValue(replacement(new PyMatch(match))));
      return expandReplacement(String(plainValue(replacement)), match);
    });
    return [result, done];
  }
}

function compile(pattern: unknown, flags: unknown = 0): PyPattern {
  if (pattern instanceof PyPattern) return pattern;
  return new PyPattern(String(plainValue(pattern)), Number(flags ?? 0));
}

function call(method: 'search' | 'match' | 'fullmatch' | 'findall' | 'finditer' | 'split' | 'sub' | 'subn') {
  return (...args: unknown[]): unknown => {
    const { positional, kwargs: keywords } = splitArgs(args);
    const flags = keywords.flags ?? (method === 'sub' || method === 'subn' ? positional[4] : method === 'split' ? positional[3] : positional[2]) ?? 0;
    const pattern = compile(positional[0], flags);
    if (method === 'sub' || method === 'subn') return pattern[method](positional[1], positional[2], Number(keywords.count ?? positional[3] ?? 0));
    if (method === 'split') return pattern.split(positional[1], Number(keywords.maxsplit ?? positional[2] ?? 0));
    return pattern[method](positional[1]);
  };
}

export const RE_MODULE = {
  ...FLAGS,
  compile: (...args: unknown[]) => {
    const { positional, kwargs: keywords } = splitArgs(args);
    return compile(positional[0], keywords.flags ?? positional[1] ?? 0);
  },
  search: call('search'),
  match: call('match'),
  fullmatch: call('fullmatch'),
  findall: call('findall'),
  finditer: call('finditer'),
  split: call('split'),
  sub: call('sub'),
  subn: call('subn'),
  escape: (text: unknown) => String(plainValue(text)).replace(/[.*+?^${}()|[\]\\\-#&~\s]/g, '\\$&'),
};
