/**
 * `f(*args)` and `f(**kwargs)` at call sites, as Jinja allows: dbt macros pass their
 * arguments on to the implementation they dispatch to this way
 * (`adapter.dispatch('x', 'pkg')(model, **kwargs)`). The spread list joins the positional
 * arguments; the spread dict joins the keyword arguments (nunjucks' trailing keyword object).
 */
import { defineExpressionNode, type NunjucksInternals } from './jinja-nodes.js';
import { isPlainObject, plainValue } from './python-values.js';

function spreadList(value: unknown): unknown[] {
  const plain = plainValue(value);
  if (plain === null || plain === undefined) return [];
  if (Array.isArray(plain)) return plain;
  if (typeof plain === 'string') return [...plain];
  if (isPlainObject(plain)) return Object.keys(plain).filter((key) => key !== '__keywords');
  if (typeof plain === 'object' && Symbol.iterator in plain) return [...(plain as Iterable<unknown>)];
  throw new Error('argument after * must be an iterable');
}

function spreadKeywords(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('argument after ** must be a mapping');
  const entries = Object.entries(value as Record<string, unknown>).filter(([key]) => key !== '__keywords');
  return Object.fromEntries(entries);
}

export function installCallSpread({ runtime, parser, lexer, nodes }: NunjucksInternals): void {
  runtime.kpiSpreadList = spreadList;
  runtime.kpiSpreadKeywords = spreadKeywords;
  const compileSpread = (helper: string) =>
    function compile(this: any, node: any, frame: any): void {
      this._emit(`...runtime.${helper}(`);
      this.compile(node.target, frame);
      this._emit(')');
    };
  const ArgSpread = defineExpressionNode('KpiArgSpread', ['target'], compileSpread('kpiSpreadList'));
  const KeywordSpread = defineExpressionNode('KpiKeywordSpread', ['target'], compileSpread('kpiSpreadKeywords'));

  const proto = parser.Parser.prototype;
  const original = proto.parseSignature as (this: any, tolerant?: boolean, noParens?: boolean) => any;
  proto.parseSignature = function parseSignature(this: any, tolerant?: boolean, noParens?: boolean) {
    const token = this.peekToken();
    // Only a parenthesised argument list can hold a spread; other signatures parse as before.
    if (noParens || token?.type !== lexer.TOKEN_LEFT_PAREN) return original.call(this, tolerant, noParens);
    this.nextToken();
    const args = new nodes.NodeList(token.lineno, token.colno);
    const kwargs = new nodes.KeywordArgs(token.lineno, token.colno);
    let checkComma = false;
    for (;;) {
      const next = this.peekToken();
      if (!next) this.fail('expected ) to close the call, got the end of the template', token.lineno, token.colno);
      if (next.type === lexer.TOKEN_RIGHT_PAREN) {
        this.nextToken();
        break;
      }
      if (checkComma && !this.skip(lexer.TOKEN_COMMA)) this.fail('parseSignature: expected comma after expression', next.lineno, next.colno);
      // A trailing comma before the closing parenthesis, as Python allows.
      if (checkComma && this.peekToken()?.type === lexer.TOKEN_RIGHT_PAREN) continue;
      const start = this.peekToken();
      if (this.skipValue(lexer.TOKEN_OPERATOR, '**')) {
        kwargs.addChild(new KeywordSpread(start.lineno, start.colno, this.parseExpression()));
      } else if (this.skipValue(lexer.TOKEN_OPERATOR, '*')) {
        args.addChild(new ArgSpread(start.lineno, start.colno, this.parseExpression()));
      } else {
        const arg = this.parseExpression();
        if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) kwargs.addChild(new nodes.Pair(arg.lineno, arg.colno, arg, this.parseExpression()));
        else args.addChild(arg);
      }
      checkComma = true;
    }
    if (kwargs.children.length) args.addChild(kwargs);
    return args;
  };
}
