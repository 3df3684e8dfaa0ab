/**
 * Jinja's `{%+` and `+%}`: they turn lstrip_blocks and trim_blocks off for one tag. dbt
 * renders with both off already, so the `+` changes nothing; nunjucks did not know the
 * marker and failed ("tag name expected").
 */
import type { NunjucksInternals, NunjucksTokenizer } from './jinja-nodes.js';

type Tokenizer = NunjucksTokenizer;

export function installWhitespaceControl({ lexer }: NunjucksInternals): void {
  const proto = Object.getPrototypeOf(lexer.lex('')) as Tokenizer;
  const original = proto.nextToken;
  proto.nextToken = function nextToken(this: Tokenizer) {
    if (!this.in_code && this.str.startsWith('{%+', this.index)) {
      const token = { type: lexer.TOKEN_BLOCK_START, value: '{%', lineno: this.lineno, colno: this.colno };
      for (let step = 0; step < 3; step++) this.forward();
      this.in_code = true;
      return token;
    }
    if (this.in_code && this.str.startsWith('+%}', this.index)) this.forward();
    return original.call(this);
  };
}
