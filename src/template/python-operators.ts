/**
 * Jinja's operators behave as Python's, where nunjucks compiles them to JavaScript's:
 * `+` joins lists, `*` repeats strings and lists, `%` formats strings (and takes the sign
 * of the divisor for numbers), `in` compares by value, and `if`/`and`/`or`/`not` use
 * Python's truth values (an empty list or dict is false; `a or b` gives `a` or `b`).
 */
import type { NunjucksInternals } from './jinja-nodes.js';
import { defineExpressionNode } from './jinja-nodes.js';
import { percentFormat } from './percent-format.js';
import { isText, plainValue, pythonContains, pythonTruthy, pythonTypeName } from './python-values.js';

type Dunder = { __add__?: (other: unknown) => unknown; __sub__?: (other: unknown) => unknown; __radd__?: (other: unknown) => unknown };

export function pythonAdd(left: unknown, right: unknown): unknown {
  if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
  // Date and time values from `modules.datetime` add timedeltas through Python's protocol.
  if (typeof (left as Dunder)?.__add__ === 'function') return (left as Required<Dunder>).__add__(right);
  if (typeof (right as Dunder)?.__radd__ === 'function') return (right as Required<Dunder>).__radd__(left);
  const a = plainValue(left);
  const b = plainValue(right);
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if ((typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean')) return Number(a) + Number(b);
  if (Array.isArray(left) || Array.isArray(right)) throw new Error(`can only concatenate list (not "${pythonTypeName(Array.isArray(left) ? right : left)}") to list`);
  // Text meets a number: nunjucks joins them, and templates written for it rely on that.
  return (a as string) + (b as string);
}

export function pythonSubtract(left: unknown, right: unknown): unknown {
  if (typeof (left as Dunder)?.__sub__ === 'function') return (left as Required<Dunder>).__sub__(right);
  return (plainValue(left) as number) - (plainValue(right) as number);
}

export function pythonMultiply(left: unknown, right: unknown): unknown {
  const a = plainValue(left);
  const b = plainValue(right);
  if (typeof a === 'string' && typeof b === 'number') return a.repeat(Math.max(0, b));
  if (typeof a === 'number' && typeof b === 'string') return b.repeat(Math.max(0, a));
  if (Array.isArray(a) && typeof b === 'number') return Array.from({ length: Math.max(0, b) }, () => a).flat();
  return (a as number) * (b as number);
}

export function pythonModulo(left: unknown, right: unknown): unknown {
  if (isText(left)) return percentFormat(String(left), right);
  const a = Number(plainValue(left));
  const b = Number(plainValue(right));
  if (b === 0) throw new Error('integer division or modulo by zero');
  const remainder = a % b;
  return remainder !== 0 && remainder < 0 !== b < 0 ? remainder + b : remainder;
}

/** Emit `runtime.<helper>(left, right)` in place of a JavaScript operator. */
function callOperator(helper: string) {
  return function compile(this: any, node: any, frame: any): void {
    this._emit(`runtime.${helper}(`);
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  };
}

export function installPythonOperators({ runtime, compiler }: NunjucksInternals): void {
  Object.assign(runtime, {
    kpiAdd: pythonAdd,
    kpiSub: pythonSubtract,
    kpiMul: pythonMultiply,
    kpiMod: pythonModulo,
    kpiTruthy: pythonTruthy,
    kpiIn: (item: unknown, container: unknown) => pythonContains(container, item),
    // `a or b` and `a and b` return an operand, and evaluate the right one only when needed.
    kpiOr: (left: unknown, right: () => unknown) => (pythonTruthy(left) ? left : right()),
    kpiAnd: (left: unknown, right: () => unknown) => (pythonTruthy(left) ? right() : left),
  });
  const proto = compiler.Compiler.prototype;
  proto.compileAdd = callOperator('kpiAdd');
  proto.compileSub = callOperator('kpiSub');
  proto.compileMul = callOperator('kpiMul');
  proto.compileMod = callOperator('kpiMod');
  proto.compileIn = callOperator('kpiIn');

  const lazy = (helper: string) =>
    function compile(this: any, node: any, frame: any): void {
      this._emit(`runtime.${helper}(`);
      this.compile(node.left, frame);
      this._emit(', function() { return ');
      this.compile(node.right, frame);
      this._emit('; })');
    };
  proto.compileOr = lazy('kpiOr');
  proto.compileAnd = lazy('kpiAnd');
  proto.compileNot = function compileNot(this: any, node: any, frame: any): void {
    this._emit('!runtime.kpiTruthy(');
    this.compile(node.target, frame);
    this._emit(')');
  };

  const Truthy = defineExpressionNode('KpiTruthy', ['target'], function compileKpiTruthy(this: any, node: any, frame: any) {
    this._emit('runtime.kpiTruthy(');
    this.compile(node.target, frame);
    this._emit(')');
  });
  // `{% if %}`, `{% elif %}` and `x if c else y` test their condition for Python truth.
  for (const name of ['compileIf', 'compileInlineIf']) {
    const original = proto[name] as (node: any, frame: any, ...rest: unknown[]) => void;
    proto[name] = function compileWithTruth(this: any, node: any, frame: any, ...rest: unknown[]) {
      const condition = node.cond;
      node.cond = new Truthy(condition.lineno, condition.colno, condition);
      try {
        return original.call(this, node, frame, ...rest);
      } finally {
        node.cond = condition;
      }
    };
  }
}
