/**
 * Jinja behaviour that dbt projects rely on and nunjucks lacks, installed once into the
 * nunjucks runtime, compiler and parser. Everything Jinja-specific lives here, so the
 * rest of the engine sees a template language that behaves as dbt users expect.
 */
import nunjucks from 'nunjucks';
import { installBraceBalance } from './brace-balance.js';
import { installCallSpread } from './call-spread.js';
import { installDictKeyParsing, installDictLiterals } from './dict-literals.js';
import { defineExpressionNode, internals as nunjucksInternals, type NunjucksInternals } from './jinja-nodes.js';
import { installConditionalExpressions } from './conditional-expressions.js';
import { installForStatement } from './for-statement.js';
import { installFrameSet } from './frame-set.js';
import { installLoopControls } from './loop-controls.js';
import { installLoopExtras } from './loop-extras.js';
import { installNumberLiterals } from './number-literals.js';
import { installPythonOperators } from './python-operators.js';
import { pythonMember } from './python-members.js';
import { pythonSlice } from './python-slice.js';
import { isPlainObject, pythonEquals, pythonRepr, PythonSet } from './python-values.js';
import { installSetStatement } from './set-statement.js';
import { installPythonStringLiterals } from './string-literals.js';
import { installSubscriptSyntax } from './subscript-syntax.js';
import { installTestExpressions } from './test-expressions.js';
import { installUnsupportedConstructs } from './unsupported-constructs.js';
import { installWhitespaceControl } from './whitespace-control.js';
import { installWithStatement } from './with-statement.js';

export { pythonEquals };

/** Thrown by `return(value)`: the enclosing macro returns `value` instead of its text. */
export class MacroReturn {
  constructor(readonly value: unknown) {}
}

/** Where a template looks a name up when neither the frame nor the context has it. */
export interface LookupScope {
  lookup(name: string): unknown;
}

export const SCOPE_KEY = '__kpi_scope';

let installed = false;

export function installJinjaCompat(): void {
  if (installed) return;
  installed = true;
  const internals = nunjucksInternals();
  installDictKeyParsing(internals);
  installBraceBalance(internals);
  installNumberLiterals(internals);
  installWhitespaceControl(internals);
  installPythonStringLiterals(internals);
  nunjucks.installJinjaCompat();
  installSubscriptSyntax(internals);
  installConditionalExpressions(internals);
  installTestExpressions(internals);
  patchMacros(internals);
  patchLookups(internals.runtime);
  patchCalls(internals.runtime);
  patchOutput(internals.runtime);
  patchTuples(internals);
  patchBlockColons(internals);
  patchNodeNames(internals);
  installSetStatement(internals);
  installPythonOperators(internals);
  installCallSpread(internals);
  installDictLiterals(internals);
  // Filtered loops (loop-extras) compile inside recursive ones (for-statement), so in this order.
  installLoopExtras(internals);
  installForStatement(internals);
  installLoopControls(internals);
  installWithStatement(internals);
  installUnsupportedConstructs(internals);
  installFrameSet(internals);
}

/**
 * `('a', 'b')`, `('a',)` and `()` are tuples in Jinja (lists here); nunjucks would compile
 * them as JavaScript's comma operator, a parenthesised value and a syntax error.
 */
function patchTuples({ compiler }: NunjucksInternals): void {
  const proto = compiler.Compiler.prototype;
  const originalGroup = proto.compileGroup as (node: any, frame: any) => void;
  proto.compileGroup = function compileGroup(this: any, node: any, frame: any) {
    if (node.children.length !== 1 || node.kpiTuple) return this.compileArray(node, frame);
    return originalGroup.call(this, node, frame);
  };
}

/**
 * `{% if execute: %}`, `{% for x in xs: %}`: Jinja lets a colon end a statement that opens a
 * body, for Python's sake (dbt's own `statement` macro writes one); nunjucks did not.
 */
function patchBlockColons({ parser, lexer }: NunjucksInternals): void {
  const proto = parser.Parser.prototype;
  const original = proto.advanceAfterBlockEnd as (this: any, name?: string) => unknown;
  proto.advanceAfterBlockEnd = function advanceAfterBlockEnd(this: any, name?: string) {
    let tag = name;
    // Without a name, the tag's own name (`else`, `endif`) comes first, then the colon.
    if (tag === undefined) {
      if (this.peekToken()?.type !== lexer.TOKEN_SYMBOL) return original.call(this);
      tag = this.nextToken().value;
    }
    this.skip(lexer.TOKEN_COLON);
    return original.call(this, tag);
  };
}

/**
 * nunjucks writes the name of what a call calls into the generated JavaScript, for error
 * messages; a multi-line string literal there ('...\n...'.format(x), as dbt-utils writes
 * warnings) broke the generated code. The name is made one line of plain characters.
 */
function patchNodeNames({ compiler }: NunjucksInternals): void {
  const proto = compiler.Compiler.prototype;
  const original = proto._getNodeName as (node: any) => string;
  proto._getNodeName = function getNodeName(this: any, node: any) {
    return String(original.call(this, node))
      .replace(/\\/g, '\\\\')
      .replace(/[\r\n\u2028\u2029]+/g, ' ');
  };
}

function isKeywordArgs(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.prototype.hasOwnProperty.call(value, '__keywords');
}

/**
 * Macros: `return()` makes the enclosing macro return a value, and Jinja's implicit
 * `kwargs` / `varargs` hold the arguments a macro did not declare.
 */
function patchMacros({ runtime, compiler, lib }: NunjucksInternals): void {
  const originalMakeMacro = runtime.makeMacro as (argNames: string[], kwargNames: string[], func: Function) => Function;
  runtime.kpiCallerDepth = 0;
  runtime.makeMacro = function makeMacro(argNames: string[], kwargNames: string[], func: Function) {
    const macro = originalMakeMacro(argNames, kwargNames, func);
    // A `{% call %}` body is a macro to nunjucks, but `return()` inside it returns from the
    // macro the block is written in (as in dbt), so it must not stop there.
    const isCallBlock = runtime.kpiCallerDepth > 0;
    const declared = new Set([...argNames, ...kwargNames, 'caller', '__keywords']);
    return function callMacro(this: unknown, ...args: unknown[]) {
      const last = args[args.length - 1];
      const keywords = isKeywordArgs(last) ? last : undefined;
      const positional = keywords ? args.slice(0, -1) : args;
      const extraKwargs: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(keywords ?? {})) {
        if (!declared.has(key)) extraKwargs[key] = value;
      }
      const varargs = positional.slice(argNames.length + kwargNames.length);
      const forwarded = keywords ? { ...keywords } : { __keywords: true };
      Object.defineProperty(forwarded, '__kpi_extra', { value: { kwargs: extraKwargs, varargs }, enumerable: false });
      try {
        return macro.apply(this, [...positional, forwarded]);
      } catch (error) {
        if (error instanceof MacroReturn && !isCallBlock) return error.value;
        throw error;
      }
    };
  };
  runtime.kpiMacroExtra = (kwargs: { __kpi_extra?: { kwargs: unknown; varargs: unknown } }, key: 'kwargs' | 'varargs') => kwargs.__kpi_extra?.[key] ?? (key === 'kwargs' ? {} : []);

  // An error inside a macro is marked with the macro's file and line as it passes out of the
  // macro; nunjucks would only name the template that called it.
  runtime.kpiMacroError = (error: unknown, lineno: number, colno: number, name: string) => {
    if (error instanceof MacroReturn || (error as { lineno?: unknown })?.lineno !== undefined) return error;
    return new lib.TemplateError(error, lineno + 1, colno + 1).Update(name);
  };
  const MacroBody = defineExpressionNode('KpiMacroBody', ['body'], function compileKpiMacroBody(this: any, node: any, frame: any) {
    this._emitLine('try {');
    this.compile(node.body, frame);
    this._emitLine(`} catch (e) { throw runtime.kpiMacroError(e, lineno, colno, ${this._templateName()}); }`);
  });
  const proto = compiler.Compiler.prototype;
  const originalCompileMacro = proto._compileMacro as (node: any, frame: any) => string;
  proto._compileMacro = function compileMacroWithPosition(this: any, node: any, frame: any) {
    const body = node.body;
    node.body = new MacroBody(body.lineno, body.colno, body);
    try {
      return originalCompileMacro.call(this, node, frame);
    } finally {
      node.body = body;
    }
  };
  proto.compileCaller = function compileCaller(this: any, node: any, frame: any) {
    this._emit('(function (){ runtime.kpiCallerDepth++; try {');
    const id = this._compileMacro(node, frame);
    this._emit(`return ${id}; } finally { runtime.kpiCallerDepth--; } })()`);
  };
  const originalEmitLines = proto._emitLines as (...lines: string[]) => void;
  proto._emitLines = function emitLines(this: unknown, ...lines: string[]) {
    const at = lines.indexOf('kwargs = kwargs || {};');
    if (at >= 0) {
      lines.splice(at + 1, 0, 'frame.set("kwargs", runtime.kpiMacroExtra(kwargs, "kwargs"));', 'frame.set("varargs", runtime.kpiMacroExtra(kwargs, "varargs"));');
    }
    return originalEmitLines.apply(this, lines);
  };
}

function patchLookups(runtime: Record<string, any>): void {
  const originalContextLookup = runtime.contextOrFrameLookup as (context: any, frame: any, name: string) => unknown;
  runtime.contextOrFrameLookup = function contextOrFrameLookup(context: any, frame: any, name: string) {
    const value = originalContextLookup.call(this, context, frame, name);
    if (value !== undefined) return value;
    const scope = context?.ctx?.[SCOPE_KEY] as LookupScope | undefined;
    return scope ? scope.lookup(name) : undefined;
  };

  runtime.memberLookup = function memberLookup(obj: unknown, key: unknown, ...rest: unknown[]) {
    // Four arguments are a slice (`x[1:]`): start, stop and step.
    if (rest.length === 2) return pythonSlice(obj, key, rest[0], rest[1]);
    return pythonMember(obj, key);
  };
}

/** Objects with Python's `__call__` can be called (a recursive loop's `loop(children)`). */
function patchCalls(runtime: Record<string, any>): void {
  const original = runtime.callWrap as (obj: unknown, name: string, context: unknown, args: unknown[]) => unknown;
  runtime.callWrap = function callWrap(obj: unknown, name: string, context: unknown, args: unknown[]) {
    const call = typeof obj === 'object' && obj !== null ? (obj as { __call__?: unknown }).__call__ : undefined;
    if (typeof call === 'function') return call.apply(obj, args);
    return original.call(this, obj, name, context, args);
  };
}

/**
 * `{{ value }}`: a dict prints as Python prints it (not `[object Object]`), and an object
 * with a text form (a date, a relation) prints that, not its `valueOf()` number. Lists keep
 * nunjucks' `a,b` form, which templates written for kpi rely on.
 */
function patchOutput(runtime: Record<string, any>): void {
  const original = runtime.suppressValue as (value: unknown, autoescape: boolean) => unknown;
  runtime.suppressValue = function suppressValue(value: unknown, autoescape: boolean) {
    let shown = value;
    if (isPlainObject(value) || value instanceof PythonSet) shown = pythonRepr(value);
    else if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof runtime.SafeString)) shown = String(value);
    return original.call(this, shown, autoescape);
  };
}
