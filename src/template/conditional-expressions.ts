/**
 * Conditional expressions as Jinja parses them: the `else` branch is itself a conditional
 * expression, so `a if c else b if d else e` chains (nunjucks reads only an `or` expression
 * after `else` and stops at the second `if` with "expected variable end"). The same holds
 * inside parentheses, call arguments and filter arguments, which all parse expressions.
 */
import type { NunjucksInternals } from './jinja-nodes.js';

export function installConditionalExpressions({ parser, nodes }: NunjucksInternals): void {
  parser.Parser.prototype.parseInlineIf = function parseInlineIf(this: any) {
    let node = this.parseOr();
    // Jinja's parse_condexpr: `a if b` without else may itself be the body of another `if`.
    while (this.skipSymbol('if')) {
      const inline = new nodes.InlineIf(node.lineno, node.colno);
      inline.body = node;
      inline.cond = this.parseOr();
      inline.else_ = this.skipSymbol('else') ? this.parseInlineIf() : null;
      node = inline;
    }
    return node;
  };
}
