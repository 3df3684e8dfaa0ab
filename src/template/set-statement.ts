/**
 * `{% set %}` as Jinja has it: `{% set ns.attr = value %}` on a `namespace()` (nunjucks only
 * sets names), `{% set a, b = pair %}` and `{% set (a, b) = pair %}` unpack (nunjucks gives
 * both names the whole value, or fails on the parentheses), `{% set t = 1, 2 %}` makes a
 * tuple, and a block set may pass its text through filters (`{% set x | upper %}...{% endset %}`).
 */
import { defineExpressionNode, type NunjucksInternals } from './jinja-nodes.js';
import { unsupportedConstruct } from './unsupported-constructs.js';
import { pythonTypeName } from './python-values.js';

function setAttribute(target: unknown, key: string, value: unknown): string {
  if (typeof target !== 'object' || target === null) {
    throw new Error(`cannot set attribute '${key}' on ${target === null || target === undefined ? 'None' : pythonTypeName(target)}`);
  }
  (target as Record<string, unknown>)[key] = value;
  return '';
}

function unpack(value: unknown, count: number): unknown[] {
  const items = Array.isArray(value) ? value : typeof value === 'object' && value !== null && Symbol.iterator in value ? [...(value as Iterable<unknown>)] : null;
  if (!items) throw new Error(`cannot unpack non-iterable ${pythonTypeName(value)} object`);
  if (items.length !== count) throw new Error(`${items.length < count ? 'not enough' : 'too many'} values to unpack (expected ${count}, got ${items.length})`);
  return items;
}

export function installSetStatement({ runtime, compiler, parser, lexer, nodes }: NunjucksInternals): void {
  parser.Parser.prototype.parseSet = function parseSet(this: any) {
    const tag = this.peekToken();
    if (!this.skipSymbol('set')) this.fail('parseSet: expected set', tag.lineno, tag.colno);
    const node = new nodes.Set(tag.lineno, tag.colno, []);
    const targets: any[] = [];
    do targets.push(this.parsePrimary());
    while (this.skip(lexer.TOKEN_COMMA));
    for (const target of targets) {
      if (!(target instanceof nodes.Group)) node.targets.push(target);
      else if (targets.length === 1 && target.children.every((child: any) => child instanceof nodes.Symbol)) node.targets.push(...target.children);
      else throw unsupportedConstruct('nested tuple unpacking in {% set %}', target.lineno, target.colno);
    }
    if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) {
      const first = this.parseExpression();
      if (this.peekToken()?.type === lexer.TOKEN_COMMA) {
        node.value = new nodes.Array(first.lineno, first.colno, [first]);
        while (this.skip(lexer.TOKEN_COMMA) && this.peekToken()?.type !== lexer.TOKEN_BLOCK_END) node.value.addChild(this.parseExpression());
      } else node.value = first;
      this.advanceAfterBlockEnd(tag.value);
      return node;
    }
    const filters: Array<{ name: any; args: any[] }> = [];
    while (this.skip(lexer.TOKEN_PIPE)) {
      const name = this.parseFilterName();
      filters.push({ name, args: this.parseFilterArgs(name) });
    }
    this.skip(lexer.TOKEN_COLON);
    const end = this.nextToken();
    if (end?.type !== lexer.TOKEN_BLOCK_END) this.fail('parseSet: expected = or block end in set tag', tag.lineno, tag.colno);
    if (end.value.charAt(0) === '-') this.dropLeadingWhitespace = true;
    let body = new nodes.Capture(tag.lineno, tag.colno, this.parseUntilBlocks('endset'));
    for (const { name, args } of filters) body = new nodes.Filter(name.lineno, name.colno, name, new nodes.NodeList(name.lineno, name.colno, [body, ...args]));
    node.body = body;
    node.value = null;
    this.advanceAfterBlockEnd();
    return node;
  };

  runtime.kpiSetAttribute = setAttribute;
  runtime.kpiUnpack = unpack;
  const proto = compiler.Compiler.prototype;
  // A JavaScript variable of the generated code, as an expression.
  const Temporary = defineExpressionNode('KpiTemporary', ['id'], function compileKpiTemporary(this: any, node: any) {
    this._emit(node.id);
  });
  const originalSet = proto.compileSet as (node: any, frame: any) => void;
  proto.compileSet = function compileSet(this: any, node: any, frame: any) {
    const [target] = node.targets;
    if (node.targets.length === 1 && target instanceof nodes.LookupVal) {
      this._emit('runtime.kpiSetAttribute(');
      this._compileExpression(target.target, frame);
      this._emit(', ');
      this._compileExpression(target.val, frame);
      this._emit(', ');
      if (node.value) this._compileExpression(node.value, frame);
      else this.compile(node.body, frame);
      this._emitLine(');');
      return;
    }
    if (node.targets.length < 2 || !node.value) return originalSet.call(this, node, frame);
    // Unpack into a temporary, then let nunjucks assign each name from its slot.
    const values = this._tmpid();
    this._emit(`var ${values} = runtime.kpiUnpack(`);
    this._compileExpression(node.value, frame);
    this._emitLine(`, ${node.targets.length});`);
    node.targets.forEach((name: any, index: number) => {
      const slot = new nodes.LookupVal(name.lineno, name.colno, new Temporary(name.lineno, name.colno, values), new nodes.Literal(name.lineno, name.colno, index));
      originalSet.call(this, new nodes.Set(name.lineno, name.colno, [name], slot), frame);
    });
  };
}
