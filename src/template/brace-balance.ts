/**
 * `{{ {'a': {'b': 1}} }}`: Jinja's lexer counts braces, so the `}}` that closes two dicts is
 * two braces; nunjucks' lexer reads it as the end of the `{{ }}` tag and fails. Inside an
 * open dict literal, `}}` is taken here as one closing brace at a time.
 */
import type { NunjucksInternals, NunjucksTokenizer } from './jinja-nodes.js';

interface Tokenizer extends NunjucksTokenizer {
  kpiBraceDepth?: number;
}

export function installBraceBalance({ lexer }: NunjucksInternals): void {
  const proto = Object.getPrototypeOf(lexer.lex('')) as Tokenizer;
  const original = proto.nextToken;
  proto.nextToken = function nextToken(this: Tokenizer) {
    const depth = this.kpiBraceDepth ?? 0;
    if (this.in_code && depth > 0 && this.str.startsWith('}}', this.index)) {
      const token = { type: lexer.TOKEN_RIGHT_CURLY, value: '}', lineno: this.lineno, colno: this.colno };
      this.forward();
      this.kpiBraceDepth = depth - 1;
      return token;
    }
    const token = original.call(this);
    if (!token) return token;
    if (token.type === lexer.TOKEN_LEFT_CURLY) this.kpiBraceDepth = depth + 1;
    else if (token.type === lexer.TOKEN_RIGHT_CURLY) this.kpiBraceDepth = Math.max(0, depth - 1);
    else if (token.type === lexer.TOKEN_VARIABLE_END || token.type === lexer.TOKEN_BLOCK_END || token.type === lexer.TOKEN_VARIABLE_START || token.type === lexer.TOKEN_BLOCK_START)
      this.kpiBraceDepth = 0;
    return token;
  };
}
