/**
 * Dict literals as Jinja reads them: keys are expressions (`{relation: []}` keys by the
 * relation, `{col.name: col}` by the column's name), where nunjucks takes a bare name as
 * the text of the name and refuses anything else. Keys become text, as object keys must:
 * a relation keys by how it renders, so `d[relation]` finds it again.
 */
import type { NunjucksInternals } from './jinja-nodes.js';
import { plainValue, pythonStr } from './python-values.js';

export function dictKey(value: unknown): string {
  const plain = plainValue(value);
  return typeof plain === 'string' ? plain : pythonStr(plain);
}

/**
 * Parse a dict key as a whole expression (`{prefix ~ name: 1}`), where nunjucks parses only
 * a primary. Installed before nunjucks' own Jinja compatibility, which wraps this parser to
 * add slices.
 */
export function installDictKeyParsing({ parser, lexer, nodes }: NunjucksInternals): void {
  parser.Parser.prototype.parseAggregate = function parseAggregate(this: any) {
    const token = this.nextToken();
    let node: any;
    if (token?.type === lexer.TOKEN_LEFT_PAREN) node = new nodes.Group(token.lineno, token.colno);
    else if (token?.type === lexer.TOKEN_LEFT_BRACKET) node = new nodes.Array(token.lineno, token.colno);
    else if (token?.type === lexer.TOKEN_LEFT_CURLY) node = new nodes.Dict(token.lineno, token.colno);
    else return null;
    for (;;) {
      const type = this.peekToken()?.type;
      if (type === lexer.TOKEN_RIGHT_PAREN || type === lexer.TOKEN_RIGHT_BRACKET || type === lexer.TOKEN_RIGHT_CURLY) {
        this.nextToken();
        break;
      }
      if (node.children.length > 0 && !this.skip(lexer.TOKEN_COMMA)) this.fail('parseAggregate: expected comma after expression', token.lineno, token.colno);
      // A trailing comma before the closing bracket, as Python allows.
      const next = this.peekToken()?.type;
      if (node.children.length > 0 && (next === lexer.TOKEN_RIGHT_PAREN || next === lexer.TOKEN_RIGHT_BRACKET || next === lexer.TOKEN_RIGHT_CURLY)) {
        // `(x,)` is a tuple of one, not `x` in parentheses.
        if (node instanceof nodes.Group) node.kpiTuple = true;
        continue;
      }
      if (node instanceof nodes.Dict) {
        const key = this.parseExpression();
        if (!this.skip(lexer.TOKEN_COLON)) this.fail('parseAggregate: expected colon after dict key', token.lineno, token.colno);
        const value = this.parseExpression();
        node.addChild(new nodes.Pair(key.lineno, key.colno, key, value));
      } else node.addChild(this.parseExpression());
    }
    return node;
  };
}

export function installDictLiterals({ runtime, compiler, nodes }: NunjucksInternals): void {
  runtime.kpiDictKey = dictKey;
  const proto = compiler.Compiler.prototype;
  const originalDict = proto.compileDict as (node: any, frame: any) => void;
  proto.compileDict = function compileDict(this: any, node: any, frame: any) {
    // Keyword arguments (`f(a=1)`) are a Dict too; their keys are names.
    if (node instanceof nodes.KeywordArgs) return originalDict.call(this, node, frame);
    this._emit('{');
    node.children.forEach((pair: any, index: number) => {
      if (index > 0) this._emit(',');
      this._emit('[runtime.kpiDictKey(');
      this._compileExpression(pair.key, frame);
      this._emit(')]: ');
      this._compileExpression(pair.value, frame);
    });
    this._emit('}');
  };
}
