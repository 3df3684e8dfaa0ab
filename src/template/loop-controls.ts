/**
 * `{% break %}` and `{% continue %}`, which dbt enables (jinja2.ext.loopcontrols). They
 * compile to JavaScript's own `break`/`continue` inside the loop nunjucks generates. Outside
 * a loop's body (or inside a macro or call block in one) they are an error at their position,
 * as in Jinja, rather than invalid generated code.
 */
import { defineExpressionNode, defineStatement, type NunjucksInternals } from './jinja-nodes.js';

interface LoopParser {
  kpiLoops?: number;
}

/** Parse a loop's body with break/continue allowed in it. */
export function enterLoopBody<T>(parser: LoopParser, parse: () => T): T {
  parser.kpiLoops = (parser.kpiLoops ?? 0) + 1;
  try {
    return parse();
  } finally {
    parser.kpiLoops -= 1;
  }
}

/** Parse a body that becomes a function of its own (a macro, a call block): loops outside it do not count. */
function outsideLoops<T>(parser: LoopParser, parse: () => T): T {
  const saved = parser.kpiLoops;
  parser.kpiLoops = 0;
  try {
    return parse();
  } finally {
    parser.kpiLoops = saved;
  }
}

export function installLoopControls({ parser }: NunjucksInternals): void {
  for (const keyword of ['break', 'continue']) {
    const Control = defineExpressionNode(keyword === 'break' ? 'KpiBreak' : 'KpiContinue', [], function compileKpiLoopControl(this: any) {
      this._emitLine(`${keyword};`);
    });
    defineStatement(keyword, function parseLoopControl(this: any) {
      const token = this.nextToken();
      if (!(this as LoopParser).kpiLoops) this.fail(`'${keyword}' outside of a loop`, token.lineno, token.colno);
      this.advanceAfterBlockEnd(keyword);
      return new Control(token.lineno, token.colno);
    });
  }
  const proto = parser.Parser.prototype;
  for (const name of ['parseMacro', 'parseCall']) {
    const original = proto[name] as (this: any) => any;
    proto[name] = function parseOwnFunction(this: any) {
      return outsideLoops(this as LoopParser, () => original.call(this));
    };
  }
}
