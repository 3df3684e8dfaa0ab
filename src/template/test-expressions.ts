/**
 * `x is test`, `x is test arg`, `x is test(args)` and `x is not test` as Jinja parses them:
 * a test binds as tightly as a filter (`a + b is odd` tests `b`, `x | length is even` tests
 * the length), its name may be a keyword (`is none`, `is true`, `is in`), and a single
 * argument may follow without parentheses (`is divisibleby 3`, `is sameas none`). nunjucks
 * parsed the test after comparisons and read `divisibleby 3` as two expressions ("expected
 * variable end"); it also compiled several arguments without commas between them.
 */
import { defineExpressionNode, type NunjucksInternals } from './jinja-nodes.js';

/** Words after a test's name that end the test rather than start its argument. */
const NOT_AN_ARGUMENT = new Set(['else', 'or', 'and', 'if', 'recursive']);

export function installTestExpressions({ parser, lexer, nodes }: NunjucksInternals): void {
  const Test = defineExpressionNode('KpiTest', ['name', 'target', 'args'], function compileKpiTest(this: any, node: any, frame: any) {
    this._emit(`runtime.kpiTruthy(env.getTest(${JSON.stringify(node.name)}).call(context, `);
    this.compile(node.target, frame);
    for (const arg of node.args.children) {
      this._emit(', ');
      this.compile(arg, frame);
    }
    this._emit('))');
  });

  const proto = parser.Parser.prototype;
  // Tests are parsed with filters (below), so comparisons no longer look for `is`.
  proto.parseIs = function parseIs(this: any) {
    return this.parseCompare();
  };

  const argumentStarts = new Set([
    lexer.TOKEN_SYMBOL,
    lexer.TOKEN_STRING,
    lexer.TOKEN_INT,
    lexer.TOKEN_FLOAT,
    lexer.TOKEN_NONE,
    lexer.TOKEN_BOOLEAN,
    lexer.TOKEN_LEFT_PAREN,
    lexer.TOKEN_LEFT_BRACKET,
    lexer.TOKEN_LEFT_CURLY,
  ]);

  function parseTest(this: any, target: any): any {
    const is = this.nextToken();
    const negated = this.skipSymbol('not');
    const nameToken = this.nextToken();
    // `none`, `true` and `false` are names to Jinja's lexer; nunjucks has tokens of their own for them.
    if (!nameToken || ![lexer.TOKEN_SYMBOL, lexer.TOKEN_NONE, lexer.TOKEN_BOOLEAN].includes(nameToken.type)) {
      this.fail(`expected a test name after 'is'${nameToken ? `, got ${nameToken.value}` : ''}`, is.lineno, is.colno);
    }
    let name: string = nameToken.value;
    while (this.skipValue(lexer.TOKEN_OPERATOR, '.')) name += `.${this.expect(lexer.TOKEN_SYMBOL).value}`;
    let args = new nodes.NodeList(is.lineno, is.colno);
    const next = this.peekToken();
    if (next?.type === lexer.TOKEN_LEFT_PAREN) args = this.parseSignature();
    else if (next && argumentStarts.has(next.type) && !(next.type === lexer.TOKEN_SYMBOL && NOT_AN_ARGUMENT.has(next.value))) {
      if (next.type === lexer.TOKEN_SYMBOL && next.value === 'is') this.fail('You cannot chain multiple tests with is', next.lineno, next.colno);
      args.addChild(this.parsePrimary());
    }
    const test = new Test(is.lineno, is.colno, name, target, args);
    return negated ? new nodes.Not(is.lineno, is.colno, test) : test;
  }

  // Jinja's parse_filter_expr: after a primary, any run of `| filter` and `is test`.
  proto.parseFilter = function parseFilter(this: any, node: any) {
    let result = node;
    for (;;) {
      const token = this.peekToken();
      if (token?.type === lexer.TOKEN_PIPE) {
        this.nextToken();
        const name = this.parseFilterName();
        result = new nodes.Filter(name.lineno, name.colno, name, new nodes.NodeList(name.lineno, name.colno, [result, ...this.parseFilterArgs(name)]));
      } else if (token?.type === lexer.TOKEN_SYMBOL && token.value === 'is') {
        result = parseTest.call(this, result);
      } else return result;
    }
  };
}
