/**
 * `{% set %}` as Jinja has it: `{% set ns.attr = value %}` on a `namespace()` (nunjucks only
 * sets names), and `{% set a, b = pair %}` unpacks (nunjucks gives both names the whole value).
 */
import { defineExpressionNode, type NunjucksInternals } from './jinja-nodes.js';
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

export function installSetStatement({ runtime, compiler, nodes }: NunjucksInternals): void {
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
