/**
 * `{% with a = 1, b = x %}...{% endwith %}`: a scope. The values are computed first, in the
 * enclosing scope (so `b = a` reads the outer `a`, as in Jinja 2.9+); the names, and any
 * `{% set %}` inside, are gone after `endwith`. nunjucks has no `with` tag.
 */
import { defineExpressionNode, defineStatement, type NunjucksInternals } from './jinja-nodes.js';

/** Marks the compile-time frame of a `with` body: sets inside it do not reach the names outside. */
const SCOPE = 'kpiWithScope';

export function installWithStatement({ compiler, lexer, nodes }: NunjucksInternals): void {
  const With = defineExpressionNode('KpiWith', ['names', 'values', 'body'], function compileKpiWith(this: any, node: any, frame: any) {
    const ids = node.values.children.map(() => this._tmpid());
    node.values.children.forEach((value: any, index: number) => {
      this._emit(`var ${ids[index]} = `);
      this._compileExpression(value, frame);
      this._emitLine(';');
    });
    const saved = this._tmpid();
    // The runtime frame isolates writes; try/finally restores it when `{% break %}` leaves early.
    this._emitLine(`var ${saved} = frame; frame = frame.push(true); try {`);
    const inner = frame.push(true);
    inner[SCOPE] = true;
    node.names.forEach((name: string, index: number) => {
      this._emitLine(`frame.set(${JSON.stringify(name)}, ${ids[index]});`);
      inner.set(name, ids[index]);
    });
    this.compile(node.body, inner);
    this._emitLine(`} finally { frame = ${saved}; }`);
  });

  defineStatement('with', function parseWith(this: any) {
    const tag = this.nextToken();
    const names: string[] = [];
    const values: any[] = [];
    for (let token = this.peekToken(); token?.type !== lexer.TOKEN_BLOCK_END; token = this.peekToken()) {
      if (!token) this.fail('with: expected the end of the tag, got the end of the template', tag.lineno, tag.colno);
      if (names.length > 0 && !this.skip(lexer.TOKEN_COMMA)) this.fail('with: expected a comma between assignments', tag.lineno, tag.colno);
      const target = this.parsePrimary(true);
      if (!(target instanceof nodes.Symbol)) this.fail('with: expected a name to assign', target.lineno, target.colno);
      if (!this.skipValue(lexer.TOKEN_OPERATOR, '=')) this.fail(`with: expected = after ${target.value}`, target.lineno, target.colno);
      names.push(target.value);
      values.push(this.parseExpression());
    }
    this.advanceAfterBlockEnd(tag.value);
    const body = this.parseUntilBlocks('endwith');
    this.advanceAfterBlockEnd();
    return new With(tag.lineno, tag.colno, names, new nodes.NodeList(tag.lineno, tag.colno, values), body);
  });

  // `{% set %}` inside a `with` makes a name of the scope, even when an outer one has it:
  // nunjucks would reuse (and so overwrite) the outer name's variable.
  const proto = compiler.Compiler.prototype;
  const originalSet = proto.compileSet as (node: any, frame: any) => void;
  proto.compileSet = function compileSet(this: any, node: any, frame: any) {
    for (const target of node.targets) {
      if (!(target instanceof nodes.Symbol)) continue;
      let scope = frame;
      while (scope && !scope[SCOPE] && scope.variables[target.value] === undefined) scope = scope.parent;
      if (scope?.[SCOPE] && scope.variables[target.value] === undefined) {
        const id = this._tmpid();
        this._emitLine(`var ${id};`);
        scope.set(target.value, id);
      }
    }
    return originalSet.call(this, node, frame);
  };
}
