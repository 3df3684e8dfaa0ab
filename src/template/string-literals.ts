/**
 * String literals read as Python reads them: an unknown escape keeps its backslash (so
 * `modules.re.sub('\s+', ...)` gets `\s`, where nunjucks drops the backslash), a backslash
 * before a line break continues the line (dbt-utils' multi-line messages), `\xhh`,
 * `\uXXXX`, `\0`, `\a`, `\b`, `\f`, `\v` mean their characters, and adjacent literals
 * join (`'select ' 'x'`), as Jinja's parser joins them.
 */
import type { NunjucksInternals } from './jinja-nodes.js';

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\u0007', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };

interface Tokenizer {
  str: string;
  index: number;
  isFinished(): boolean;
  current(): string;
  forward(): void;
  _parseString(delimiter: string): string;
}

export function readEscape(text: string, at: number): { value: string; length: number } {
  const char = text[at];
  if (char === '\n') return { value: '', length: 1 };
  if (char === '\r') return { value: '', length: text[at + 1] === '\n' ? 2 : 1 };
  if (char in SIMPLE) return { value: SIMPLE[char], length: 1 };
  const hex = char === 'x' ? 2 : char === 'u' ? 4 : char === 'U' ? 8 : 0;
  if (hex > 0) {
    const digits = text.slice(at + 1, at + 1 + hex);
    if (digits.length === hex && /^[0-9a-fA-F]+$/.test(digits)) return { value: String.fromCodePoint(parseInt(digits, 16)), length: 1 + hex };
  }
  return { value: `\\${char ?? ''}`, length: char === undefined ? 0 : 1 };
}

export function installPythonStringLiterals({ lexer, parser, nodes }: NunjucksInternals): void {
  const proto = parser.Parser.prototype;
  const originalPrimary = proto.parsePrimary as (this: any, noPostfix?: boolean) => any;
  proto.parsePrimary = function parsePrimary(this: any, noPostfix?: boolean) {
    const token = this.peekToken();
    if (token?.type !== lexer.TOKEN_STRING) return originalPrimary.call(this, noPostfix);
    this.nextToken();
    let text: string = token.value;
    while (this.peekToken()?.type === lexer.TOKEN_STRING) text += this.nextToken().value;
    const literal = new nodes.Literal(token.lineno, token.colno, text);
    return noPostfix ? literal : this.parsePostfix(literal);
  };

  const tokenizer = Object.getPrototypeOf(lexer.lex('')) as Tokenizer;
  tokenizer._parseString = function parseString(this: Tokenizer, delimiter: string) {
    this.forward();
    let text = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      if (this.current() === '\\') {
        const { value, length } = readEscape(this.str, this.index + 1);
        text += value;
        for (let step = 0; step <= length; step++) this.forward();
      } else {
        text += this.current();
        this.forward();
      }
    }
    this.forward();
    return text;
  };
}
