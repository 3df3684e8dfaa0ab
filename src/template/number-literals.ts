/**
 * Number literals as Python writes them: `1_000`, `1e3`, `2.5E-3`, `0x1F`, `0o17`, `0b101`.
 * nunjucks reads digits followed by anything but `.` as a name (`1e3` became an undefined
 * variable and rendered as nothing). As in Jinja's lexer, a number right after a `.` is an
 * integer (`x.0.1` is `x[0][1]`, not `x[0.1]`).
 */
import type { NunjucksInternals, NunjucksTokenizer } from './jinja-nodes.js';

type Tokenizer = NunjucksTokenizer;

const FLOAT = /^(?:\d(?:_?\d)*\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*[eE][+-]?\d(?:_?\d)*)/;
const INTEGER = /^(?:0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|\d(?:_?\d)*)/;
/** A number must not run into a name (`1abc` stays nunjucks' business, and fails as before). */
const FOLLOWS = /^[A-Za-z_]/;

function integerValue(text: string): string {
  const digits = text.replace(/_/g, '');
  if (/^0[bBoOxX]/.test(digits)) return BigInt(digits.toLowerCase()).toString();
  return digits.replace(/^0+(?=\d)/, '');
}

export function installNumberLiterals({ lexer }: NunjucksInternals): void {
  const proto = Object.getPrototypeOf(lexer.lex('')) as Tokenizer;
  const original = proto.nextToken;
  proto.nextToken = function nextToken(this: Tokenizer) {
    if (!this.in_code || !/\d/.test(this.str.charAt(this.index))) return original.call(this);
    const rest = this.str.slice(this.index, this.index + 200);
    const afterDot = this.str.charAt(this.index - 1) === '.';
    const float = afterDot ? null : FLOAT.exec(rest);
    const match = float ?? INTEGER.exec(rest);
    if (!match || FOLLOWS.test(rest.slice(match[0].length))) return original.call(this);
    const token = float
      ? { type: lexer.TOKEN_FLOAT, value: match[0].replace(/_/g, ''), lineno: this.lineno, colno: this.colno }
      : { type: lexer.TOKEN_INT, value: integerValue(match[0]), lineno: this.lineno, colno: this.colno };
    for (let step = 0; step < match[0].length; step++) this.forward();
    return token;
  };
}
