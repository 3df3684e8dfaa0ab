/**
 * Jinja's operators behave as Python's, where nunjucks compiles them to JavaScript's:
 * `+` joins lists, `*` repeats strings and lists, `%` formats strings (and takes the sign
 * of the divisor for numbers), `/` and `//` refuse a zero divisor, `~` joins the str() of
 * each side (an undefined name adds nothing), `in` compares by value, comparisons chain
 * (`0 < x < 10`), and `if`/`and`/`or`/`not` use Python's truth values (an empty list or dict
 * is false; `a or b` gives `a` or `b`). Values with Python's operator methods (`__add__`,
 * `__rsub__`, `__truediv__`, `__neg__`...: dates, timedeltas, Decimals) answer for themselves.
 */
import type { NunjucksInternals } from './jinja-nodes.js';
import { defineExpressionNode } from './jinja-nodes.js';
import { percentFormat } from './percent-format.js';
import { isText, plainValue, pythonContains, pythonEquals, pythonStr, pythonTruthy, pythonTypeName } from './python-values.js';

const NOT_IMPLEMENTED = Symbol('NotImplemented');

type Method = (this: unknown, other?: unknown) => unknown;

function method(value: unknown, name: string): Method | undefined {
  const found = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
  return typeof found === 'function' ? (found as Method) : undefined;
}

/** Python's binary operator protocol: `left.__op__(right)`, else `right.__rop__(left)`. */
function dunder(left: unknown, right: unknown, name: string, reflected: string): unknown {
  const own = method(left, name);
  if (own) return own.call(left, right);
  const other = method(right, reflected);
  if (other) return other.call(right, left);
  return NOT_IMPLEMENTED;
}

export function pythonAdd(left: unknown, right: unknown): unknown {
  if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
  const answered = dunder(left, right, '__add__', '__radd__');
  if (answered !== NOT_IMPLEMENTED) return answered;
  const a = plainValue(left);
  const b = plainValue(right);
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if ((typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean')) return Number(a) + Number(b);
  if (Array.isArray(left) || Array.isArray(right)) throw new Error(`can only concatenate list (not "${pythonTypeName(Array.isArray(left) ? right : left)}") to list`);
  // Text meets a number: nunjucks joins them, and templates written for it rely on that.
  return (a as string) + (b as string);
}

export function pythonSubtract(left: unknown, right: unknown): unknown {
  const answered = dunder(left, right, '__sub__', '__rsub__');
  if (answered !== NOT_IMPLEMENTED) return answered;
  return (plainValue(left) as number) - (plainValue(right) as number);
}

export function pythonMultiply(left: unknown, right: unknown): unknown {
  const answered = dunder(left, right, '__mul__', '__rmul__');
  if (answered !== NOT_IMPLEMENTED) return answered;
  const a = plainValue(left);
  const b = plainValue(right);
  if (typeof a === 'string' && typeof b === 'number') return a.repeat(Math.max(0, b));
  if (typeof a === 'number' && typeof b === 'string') return b.repeat(Math.max(0, a));
  if (Array.isArray(a) && typeof b === 'number') return Array.from({ length: Math.max(0, b) }, () => a).flat();
  return (a as number) * (b as number);
}

export function pythonDivide(left: unknown, right: unknown): unknown {
  const answered = dunder(left, right, '__truediv__', '__rtruediv__');
  if (answered !== NOT_IMPLEMENTED) return answered;
  const divisor = Number(plainValue(right));
  if (divisor === 0) throw new Error('division by zero');
  return Number(plainValue(left)) / divisor;
}

export function pythonFloorDivide(left: unknown, right: unknown): unknown {
  const answered = dunder(left, right, '__floordiv__', '__rfloordiv__');
  if (answered !== NOT_IMPLEMENTED) return answered;
  const divisor = Number(plainValue(right));
  if (divisor === 0) throw new Error('integer division or modulo by zero');
  return Math.floor(Number(plainValue(left)) / divisor);
}

export function pythonModulo(left: unknown, right: unknown): unknown {
  if (isText(left)) return percentFormat(String(left), right);
  const answered = dunder(left, right, '__mod__', '__rmod__');
  if (answered !== NOT_IMPLEMENTED) return answered;
  const a = Number(plainValue(left));
  const b = Number(plainValue(right));
  if (b === 0) throw new Error('integer division or modulo by zero');
  const remainder = a % b;
  return remainder !== 0 && remainder < 0 !== b < 0 ? remainder + b : remainder;
}

export function pythonPower(left: unknown, right: unknown): unknown {
  const answered = dunder(left, right, '__pow__', '__rpow__');
  if (answered !== NOT_IMPLEMENTED) return answered;
  return Number(plainValue(left)) ** Number(plainValue(right));
}

export function pythonNegate(value: unknown): unknown {
  const own = method(value, '__neg__');
  return own ? own.call(value) : -(plainValue(value) as number);
}

/** `a ~ b`: Jinja joins str(a) and str(b); an undefined name is empty text. */
export function pythonConcat(left: unknown, right: unknown): string {
  return (left === undefined ? '' : pythonStr(left)) + (right === undefined ? '' : pythonStr(right));
}

function compareOnce(op: string, left: unknown, right: unknown): boolean {
  switch (op) {
    case '==':
      return pythonEquals(left, right);
    case '!=':
      return !pythonEquals(left, right);
    case '===':
      return left === right;
    case '!==':
      return left !== right;
  }
  const a = plainValue(left) as number;
  const b = plainValue(right) as number;
  return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
}

/** `a < b < c` is `a < b and b < c`, each operand evaluated once and only when needed. */
export function pythonCompare(left: unknown, ...steps: unknown[]): boolean {
  let current = left;
  for (let at = 0; at < steps.length; at += 2) {
    const next = (steps[at + 1] as () => unknown)();
    if (!compareOnce(steps[at] as string, current, next)) return false;
    current = next;
  }
  return true;
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
    kpiDiv: pythonDivide,
    kpiFloorDiv: pythonFloorDivide,
    kpiMod: pythonModulo,
    kpiPow: pythonPower,
    kpiNeg: pythonNegate,
    kpiConcat: pythonConcat,
    kpiEquals: pythonEquals,
    kpiCompare: pythonCompare,
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
  proto.compileDiv = callOperator('kpiDiv');
  proto.compileFloorDiv = callOperator('kpiFloorDiv');
  proto.compileMod = callOperator('kpiMod');
  proto.compilePow = callOperator('kpiPow');
  proto.compileConcat = callOperator('kpiConcat');
  proto.compileIn = callOperator('kpiIn');
  proto.compileNeg = function compileNeg(this: any, node: any, frame: any): void {
    this._emit('runtime.kpiNeg(');
    this.compile(node.target, frame);
    this._emit(')');
  };

  // `==` and `!=` compare as Python does (lists and dicts by content, no string/number
  // coercion); a chain of comparisons is a conjunction. A single `<` stays JavaScript's.
  const originalCompare = proto.compileCompare as (node: any, frame: any) => void;
  proto.compileCompare = function compileCompare(this: any, node: any, frame: any) {
    const op = node.ops.length === 1 ? node.ops[0].type : undefined;
    if (node.ops.length === 1 && op !== '==' && op !== '!=') return originalCompare.call(this, node, frame);
    if (op !== undefined) {
      this._emit(op === '!=' ? '!runtime.kpiEquals(' : 'runtime.kpiEquals(');
      this.compile(node.expr, frame);
      this._emit(', ');
      this.compile(node.ops[0].expr, frame);
      this._emit(')');
      return;
    }
    this._emit('runtime.kpiCompare(');
    this.compile(node.expr, frame);
    for (const operand of node.ops) {
      this._emit(`, ${JSON.stringify(operand.type)}, function() { return `);
      this.compile(operand.expr, frame);
      this._emit('; }');
    }
    this._emit(')');
  };

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
