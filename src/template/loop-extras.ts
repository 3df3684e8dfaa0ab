/**
 * The parts of Jinja's `for` nunjucks leaves out: `loop.previtem`, `loop.nextitem`,
 * `loop.cycle(...)`, `loop.changed(...)`; iterating a dict with one loop variable, which in
 * Jinja gives its keys (nunjucks gives nothing); and filtered loops,
 * `{% for c in columns if c.name != 'id' %}`, which nunjucks would read as the inline
 * `columns if c.name != 'id'` (evaluated once, with `c` undefined).
 */
import { defineExpressionNode, type NunjucksInternals } from './jinja-nodes.js';
import { isPlainObject, pythonEquals } from './python-values.js';

/** What `loop.changed` remembers across the iterations of one loop. */
export class LoopState {
  private called = false;
  private last: unknown[] = [];

  readonly changed = (...values: unknown[]): boolean => {
    if (this.called && pythonEquals(values, this.last)) return false;
    this.called = true;
    this.last = values;
    return true;
  };
}

export function loopIterable(value: unknown): unknown {
  if (isPlainObject(value)) return Object.keys(value).filter((key) => key !== '__keywords');
  if (value instanceof Map) return [...value.keys()];
  return value;
}

/** The items a filtered loop visits: `test` gets each item (a pair's parts, for two loop names). */
export function loopFilter(value: unknown, names: number, test: (...items: unknown[]) => boolean): unknown[] {
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (isPlainObject(value)) items = names > 1 ? Object.entries(value).filter(([key]) => key !== '__keywords') : Object.keys(value).filter((key) => key !== '__keywords');
  else if (value instanceof Map) items = names > 1 ? [...value.entries()] : [...value.keys()];
  else if (typeof value === 'object' && value !== null && Symbol.iterator in value) items = [...(value as Iterable<unknown>)];
  else if (typeof value === 'string') items = [...value];
  else items = [];
  return items.filter((item) => (names > 1 ? test(...(item as unknown[])) : test(item)));
}

export function installLoopExtras({ runtime, compiler, nodes }: NunjucksInternals): void {
  runtime.kpiLoopFilter = loopFilter;
  runtime.kpiLoopState = () => new LoopState();
  runtime.kpiLoopIterable = loopIterable;
  runtime.kpiLoopCycle =
    (index: number) =>
    (...values: unknown[]) =>
      values[index % values.length];
  const proto = compiler.Compiler.prototype;

  const originalBindings = proto._emitLoopBindings as (node: any, arr: string, i: string, len: string) => void;
  proto._emitLoopBindings = function emitLoopBindings(this: any, node: any, arr: string, i: string, len: string) {
    originalBindings.call(this, node, arr, i, len);
    const state = this._tmpid();
    // `var` is function-scoped in the generated code: the state is made anew each time the loop starts.
    this._emitLine(`if (${i} === 0) { var ${state} = runtime.kpiLoopState(); }`);
    this._emitLine(`frame.set("loop.changed", ${state}.changed);`);
    this._emitLine(`frame.set("loop.cycle", runtime.kpiLoopCycle(${i}));`);
    this._emitLine(`frame.set("loop.previtem", runtime.isArray(${arr}) && ${i} > 0 ? ${arr}[${i} - 1] : undefined);`);
    this._emitLine(`frame.set("loop.nextitem", runtime.isArray(${arr}) ? ${arr}[${i} + 1] : undefined);`);
  };

  const Iterable = defineExpressionNode('KpiLoopIterable', ['target'], function compileKpiLoopIterable(this: any, node: any, frame: any) {
    this._emit('runtime.kpiLoopIterable(');
    this.compile(node.target, frame);
    this._emit(')');
  });
  const Filtered = defineExpressionNode('KpiLoopFilter', ['source', 'cond', 'names'], function compileKpiLoopFilter(this: any, node: any, frame: any) {
    const names: string[] = node.names;
    const ids = names.map(() => this._tmpid());
    this._emit('runtime.kpiLoopFilter(');
    this.compile(node.source, frame);
    this._emit(`, ${names.length}, function(${ids.join(', ')}) { return runtime.kpiTruthy(`);
    // The condition sees the loop's names bound to the item being tested.
    const inner = frame.push();
    names.forEach((name, index) => inner.set(name, ids[index]));
    this.compile(node.cond, inner);
    this._emit('); })');
  });
  const originalFor = proto.compileFor as (node: any, frame: any) => void;
  proto.compileFor = function compileFor(this: any, node: any, frame: any) {
    const arr = node.arr;
    const names: string[] = node.name instanceof nodes.Array ? node.name.children.map((child: any) => child.value) : [node.name.value];
    // `for x in items if cond` parses as an inline if without else: in a for, Jinja means a filter.
    if (arr instanceof nodes.InlineIf && arr.else_ === null) node.arr = new Filtered(arr.lineno, arr.colno, arr.body, arr.cond, names);
    else if (names.length === 1) node.arr = new Iterable(arr.lineno, arr.colno, arr);
    try {
      return originalFor.call(this, node, frame);
    } finally {
      node.arr = arr;
    }
  };
}
