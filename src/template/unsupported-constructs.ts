/**
 * Jinja that kpi does not render is refused where it is written, with
 * KPI_TEMPLATE_UNSUPPORTED and the construct named, instead of nunjucks' parse error (or
 * a "template not found" once rendering). dbt has no template loader either, so `include`,
 * `import` and `extends` have nothing to read; `autoescape` and `trans` (i18n) are tags of
 * Jinja that dbt's SQL never needs.
 */
import { KpiError } from '../errors.js';
import { defineStatement, internals, type NunjucksInternals } from './jinja-nodes.js';

const TAGS: Record<string, { construct: string; hint: string }> = {
  include: { construct: '{% include %}', hint: 'kpi has no template loader: put the shared SQL in a macro and call it' },
  import: { construct: '{% import %}', hint: 'every macro is in scope already: call it by name, or as package.name' },
  from: { construct: '{% from ... import %}', hint: 'every macro is in scope already: call it by name, or as package.name' },
  extends: { construct: '{% extends %}', hint: 'kpi has no template inheritance: share SQL through macros' },
  autoescape: { construct: '{% autoescape %}', hint: 'output is SQL and never escaped: remove the tag' },
  trans: { construct: '{% trans %}', hint: "Jinja's i18n extension is not part of dbt's Jinja" },
  pluralize: { construct: '{% pluralize %}', hint: "Jinja's i18n extension is not part of dbt's Jinja" },
};

/** The error for a construct kpi cannot render, at a token's position (nunjucks counts from 0). */
export function unsupportedConstruct(construct: string, lineno: number, colno: number, hint = 'see docs/dbt-differences.md (Templates)'): Error {
  const error = new KpiError('KPI_TEMPLATE_UNSUPPORTED', `${construct} is not supported by kpi`, { hint });
  return new (internals().lib.TemplateError)(error, lineno + 1, colno + 1);
}

export function installUnsupportedConstructs({ parser, lexer }: NunjucksInternals): void {
  for (const [tag, { construct, hint }] of Object.entries(TAGS)) {
    defineStatement(tag, function refuse(this: any) {
      const token = this.peekToken();
      throw unsupportedConstruct(construct, token.lineno, token.colno, hint);
    });
  }
  // `{{ a, b }}` prints a tuple in Jinja; nunjucks stops at the comma.
  const proto = parser.Parser.prototype;
  const original = proto.advanceAfterVariableEnd as (this: any) => void;
  proto.advanceAfterVariableEnd = function advanceAfterVariableEnd(this: any) {
    const token = this.peekToken();
    if (token?.type === lexer.TOKEN_COMMA) throw unsupportedConstruct('a tuple without parentheses in {{ }}', token.lineno, token.colno, 'write the tuple in parentheses: {{ (a, b) }}');
    return original.call(this);
  };
}
