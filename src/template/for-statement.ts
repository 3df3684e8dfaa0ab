/**
 * `{% for %}` as Jinja parses it: targets in parentheses (`for (k, v) in pairs`), a tuple to
 * iterate (`for x in 1, 2, 3`), the `if` filter, and `recursive` loops, where `loop(children)`
 * renders the loop's body again for `children` and `loop.depth` / `loop.depth0` say how deep
 * the render is (1 and 0 in a loop that does not recurse). nunjucks knew none of `recursive`,
 * `loop()` or `loop.depth`, and failed on parenthesised targets.
 */
import { defineExpressionNode, type NunjucksInternals } from './jinja-nodes.js';
import { enterLoopBody } from './loop-controls.js';
import { unsupportedConstruct } from './unsupported-constructs.js';

export function installForStatement({ parser, compiler, lexer, nodes }: NunjucksInternals): void {
  const proto = parser.Parser.prototype;

  /** `a`, `a, b`, `(a, b)`: the loop's names. A nested tuple (`a, (b, c)`) is refused by name. */
  function parseTargets(this: any): { names: any[]; tuple: boolean } {
    const names: any[] = [];
    let tuple = false;
    do {
      const target = this.parsePrimary(true);
      if (target instanceof nodes.Group || target instanceof nodes.Array) {
        if (names.length > 0 || target.children.some((child: any) => !(child instanceof nodes.Symbol))) {
          throw unsupportedConstruct('nested tuple unpacking in a for loop (`for a, (b, c) in ...`)', target.lineno, target.colno);
        }
        names.push(...target.children);
        tuple = true;
      } else if (target instanceof nodes.Symbol) names.push(target);
      else this.fail('parseFor: variable name expected for loop', target.lineno, target.colno);
      if (this.peekToken()?.type === lexer.TOKEN_COMMA) tuple = true;
    } while (this.skip(lexer.TOKEN_COMMA));
    return { names, tuple };
  }

  /** The iterable: one expression, or a tuple of them; no conditional (`if` filters the loop). */
  function parseIterable(this: any): any {
    const first = this.parseOr();
    if (this.peekToken()?.type !== lexer.TOKEN_COMMA) return first;
    const items = new nodes.Array(first.lineno, first.colno, [first]);
    while (this.skip(lexer.TOKEN_COMMA)) items.addChild(this.parseOr());
    return items;
  }

  const originalParseFor = proto.parseFor as (this: any) => any;
  proto.parseFor = function parseFor(this: any) {
    const forToken = this.peekToken();
    if (forToken.value !== 'for') return originalParseFor.call(this);
    this.nextToken();
    const node = new nodes.For(forToken.lineno, forToken.colno);
    const { names, tuple } = parseTargets.call(this);
    node.name = tuple ? new nodes.Array(forToken.lineno, forToken.colno, names) : names[0];
    if (!this.skipSymbol('in')) this.fail('parseFor: expected "in" keyword for loop', forToken.lineno, forToken.colno);
    let iterable = parseIterable.call(this);
    if (this.skipSymbol('if')) {
      // The form loop-extras.ts compiles as a filtered loop.
      const filtered = new nodes.InlineIf(iterable.lineno, iterable.colno);
      filtered.body = iterable;
      filtered.cond = this.parseExpression();
      filtered.else_ = null;
      iterable = filtered;
    }
    node.arr = iterable;
    node.kpiRecursive = this.skipSymbol('recursive');
    this.advanceAfterBlockEnd(forToken.value);
    node.body = enterLoopBody(this, () => this.parseUntilBlocks('endfor', 'else'));
    if (this.skipSymbol('else')) {
      this.advanceAfterBlockEnd('else');
      node.else_ = this.parseUntilBlocks('endfor');
    }
    this.advanceAfterBlockEnd();
    return node;
  };

  const Temporary = defineExpressionNode('KpiLoopItems', ['id'], function compileKpiLoopItems(this: any, node: any) {
    this._emit(node.id);
  });
  const cproto = compiler.Compiler.prototype;
  const originalCompileFor = cproto.compileFor as (node: any, frame: any) => void;
  cproto.compileFor = function compileFor(this: any, node: any, frame: any) {
    if (!node.kpiRecursive) return originalCompileFor.call(this, node, frame);
    // The loop becomes a function of its items and depth, which `loop(children)` calls again.
    const render = this._tmpid();
    const items = this._tmpid();
    const depth = this._tmpid();
    const arr = node.arr;
    const filtered = arr instanceof nodes.InlineIf && arr.else_ === null;
    const source = filtered ? arr.body : arr;
    let itemsNode = new Temporary(arr.lineno, arr.colno, items);
    if (filtered) {
      const inline = new nodes.InlineIf(arr.lineno, arr.colno);
      inline.body = itemsNode;
      inline.cond = arr.cond;
      inline.else_ = null;
      itemsNode = inline;
    }
    const buffer = this.buffer;
    this._emitLine(`var ${render} = function(${items}, ${depth}) {`);
    this._emitLine('var output = "";');
    this.buffer = 'output';
    node.arr = itemsNode;
    node.kpiRecursion = { render, depth };
    try {
      originalCompileFor.call(this, node, frame);
    } finally {
      node.arr = arr;
      delete node.kpiRecursion;
      this.buffer = buffer;
    }
    this._emitLine('return output;');
    this._emitLine('};');
    this._emit(`${buffer} += ${render}(`);
    this._compileExpression(source, frame);
    this._emitLine(', 1);');
  };

  const originalBindings = cproto._emitLoopBindings as (node: any, arr: string, i: string, len: string) => void;
  cproto._emitLoopBindings = function emitLoopBindings(this: any, node: any, arr: string, i: string, len: string) {
    originalBindings.call(this, node, arr, i, len);
    const recursion = node.kpiRecursion as { render: string; depth: string } | undefined;
    const depth = recursion ? recursion.depth : '1';
    this._emitLine(`frame.set("loop.depth", ${depth});`);
    this._emitLine(`frame.set("loop.depth0", ${depth} - 1);`);
    if (recursion) this._emitLine(`frame.set("loop.__call__", function(items) { return ${recursion.render}(items, ${depth} + 1); });`);
  };
}
