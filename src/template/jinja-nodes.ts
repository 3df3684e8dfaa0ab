/**
 * The nunjucks internals the Jinja patches reach into, typed as loosely as they are, and a
 * way to add expression nodes of our own: nunjucks checks each expression node against a
 * fixed list of types and compiles it with `compile<TypeName>`, so a new node needs both.
 */
import nunjucks from 'nunjucks';

export interface NunjucksInternals {
  runtime: Record<string, any>;
  compiler: { Compiler: { prototype: Record<string, any> } };
  parser: { Parser: { prototype: Record<string, any> } };
  nodes: Record<string, any>;
  lexer: Record<string, any>;
  lib: Record<string, any>;
}

export function internals(): NunjucksInternals {
  return nunjucks as unknown as NunjucksInternals;
}

const customTypes: any[] = [];
let assertPatched = false;

/**
 * A new expression node type: `fields` are its children, `compile` emits its JavaScript
 * (with `compiler.compile(child, frame)` for each child). Returns the node's constructor.
 */
export function defineExpressionNode(name: string, fields: string[], compile: (this: any, node: any, frame: any) => void): any {
  const { nodes, compiler } = internals();
  const type = nodes.Node.extend(name, { fields });
  customTypes.push(type);
  compiler.Compiler.prototype[`compile${name}`] = compile;
  if (!assertPatched) {
    assertPatched = true;
    const original = compiler.Compiler.prototype.assertType as (node: any, ...types: any[]) => void;
    compiler.Compiler.prototype.assertType = function assertType(this: any, node: any, ...types: any[]) {
      if (customTypes.some((custom) => node instanceof custom)) return;
      return original.call(this, node, ...types);
    };
  }
  return type;
}
