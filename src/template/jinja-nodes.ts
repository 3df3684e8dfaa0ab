/**
 * The nunjucks internals the Jinja patches reach into, typed as loosely as they are, and a
 * way to add nodes and statements of our own: nunjucks checks each expression node against a
 * fixed list of types and compiles it with `compile<TypeName>`, so a new node needs both;
 * its parser knows a fixed list of tags, so a new statement registers its tag here.
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

/** nunjucks' lexer state (its Tokenizer), as the lexer patches read and move it. */
export interface NunjucksTokenizer {
  in_code: boolean;
  str: string;
  index: number;
  lineno: number;
  colno: number;
  forward(): void;
  nextToken(): { type: string; value: string; lineno: number; colno: number } | null;
}

export function internals(): NunjucksInternals {
  return nunjucks as unknown as NunjucksInternals;
}

const customTypes: any[] = [];
let assertPatched = false;

/**
 * A new node type (an expression, or a statement's node): `fields` are its children,
 * `compile` emits its JavaScript (with `compiler.compile(child, frame)` for each child).
 * Returns the node's constructor.
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

const statements = new Map<string, (this: any) => any>();

/**
 * A statement tag (`{% with %}`, `{% break %}`): `parse` runs with the parser as `this`, its
 * next token being the tag's name, and returns the statement's node. Tags nunjucks knows
 * itself are found here first.
 */
export function defineStatement(tag: string, parse: (this: any) => any): void {
  const { parser, lexer } = internals();
  if (statements.size === 0) {
    const original = parser.Parser.prototype.parseStatement as (this: any) => any;
    parser.Parser.prototype.parseStatement = function parseStatement(this: any) {
      const token = this.peekToken();
      const own = token?.type === lexer.TOKEN_SYMBOL ? statements.get(token.value) : undefined;
      // An end tag the caller waits for (`endwith`) is the caller's, as in nunjucks.
      if (own && !(this.breakOnBlocks && this.breakOnBlocks.includes(token.value))) return own.call(this);
      return original.call(this);
    };
  }
  statements.set(tag, parse);
}
