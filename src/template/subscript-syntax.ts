/**
 * `x.0` is `x[0]` in Jinja (an integer after the dot indexes), and `row.none` or `flags.true`
 * read attributes of those names; nunjucks wanted a plain name there ("expected name as
 * lookup value, got 0"). The rest of nunjucks' postfix parsing (calls, `x[...]`, `x.name`)
 * is unchanged.
 */
import type { NunjucksInternals } from './jinja-nodes.js';

export function installSubscriptSyntax({ parser, lexer, nodes }: NunjucksInternals): void {
  parser.Parser.prototype.parsePostfix = function parsePostfix(this: any, start: any) {
    let node = start;
    for (let token = this.peekToken(); token; token = this.peekToken()) {
      if (token.type === lexer.TOKEN_LEFT_PAREN) {
        node = new nodes.FunCall(token.lineno, token.colno, node, this.parseSignature());
      } else if (token.type === lexer.TOKEN_LEFT_BRACKET) {
        const lookup = this.parseAggregate();
        if (lookup.children.length > 1) this.fail('invalid index', token.lineno, token.colno);
        node = new nodes.LookupVal(token.lineno, token.colno, node, lookup.children[0]);
      } else if (token.type === lexer.TOKEN_OPERATOR && token.value === '.') {
        this.nextToken();
        const name = this.nextToken();
        let key: string | number;
        // `none`, `true`, `false` are names to Jinja; nunjucks' lexer gives them tokens of their own.
        if (name?.type === lexer.TOKEN_SYMBOL || name?.type === lexer.TOKEN_NONE || name?.type === lexer.TOKEN_BOOLEAN) key = name.value;
        else if (name?.type === lexer.TOKEN_INT) key = Number(name.value);
        else return this.fail(`expected name as lookup value, got ${name?.value}`, name?.lineno, name?.colno);
        node = new nodes.LookupVal(token.lineno, token.colno, node, new nodes.Literal(name.lineno, name.colno, key));
      } else break;
    }
    return node;
  };
}
