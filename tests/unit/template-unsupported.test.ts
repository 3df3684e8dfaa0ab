import { describe, expect, it } from 'vitest';
import { KpiError } from '../../src/errors.js';
import { renderForTest } from '../helpers/render.js';

async function failure(source: string, macros?: Record<string, string>): Promise<KpiError> {
  const error = await renderForTest(source, { macros }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(KpiError);
  return error as KpiError;
}

describe('Jinja that kpi does not render', () => {
  // Each construct sits on line 2, after `select 1`, at the column given (counted from 1).
  const unsupported: Array<[string, string, number, RegExp]> = [
    ["{% include 'other.sql' %}", 'include', 4, /\{% include %\} is not supported/],
    ["{% import 'macros.sql' as m %}", 'import', 4, /\{% import %\} is not supported/],
    ["{% from 'macros.sql' import helper %}", 'from', 4, /\{% from \.\.\. import %\} is not supported/],
    ["{% extends 'base.sql' %}", 'extends', 4, /\{% extends %\} is not supported/],
    ['{% autoescape true %}x{% endautoescape %}', 'autoescape', 4, /\{% autoescape %\} is not supported/],
    ['{% trans %}x{% endtrans %}', 'trans', 4, /\{% trans %\} is not supported/],
    ['  {{ 1, 2 }}', 'a bare tuple', 7, /a tuple without parentheses/],
    ['{% for a, (b, c) in [] %}{% endfor %}', 'nested unpacking in for', 11, /nested tuple unpacking in a for loop/],
    ['{% set a, (b, c) = [1, [2, 3]] %}', 'nested unpacking in set', 11, /nested tuple unpacking in \{% set %\}/],
  ];
  for (const [construct, name, column, message] of unsupported) {
    it(`refuses ${name} with KPI_TEMPLATE_UNSUPPORTED at its position`, async () => {
      const error = await failure(`select 1\n${construct}`);
      expect(error.code).toBe('KPI_TEMPLATE_UNSUPPORTED');
      expect(error.message).toMatch(message);
      expect(error.location).toEqual({ file: 'models/test.sql', line: 2, column });
    });
  }

  it("points at the macro's file when the construct is in a macro", async () => {
    const macros = { 'macros/uses_include.sql': "{% macro helper() %}\n  {% include 'x.sql' %}\n{% endmacro %}" };
    const error = await failure('select {{ helper() }}', macros);
    expect(error.code).toBe('KPI_TEMPLATE_UNSUPPORTED');
    expect(error.location).toMatchObject({ file: 'macros/uses_include.sql', line: 2, column: 6 });
  });

  it('reports other syntax errors as KPI_TEMPLATE_ERROR at their position, never as internal errors', async () => {
    const cases: Array<[string, number, number]> = [
      ['select 1\n{{ 1 + }}', 2, 8],
      ['select 1\n{% if %}x{% endif %}', 2, 7],
      ['{% for x in [1] %}\n{% endif %}', 2, 4],
      ['select\n  {% break %}', 2, 6],
      ['{{ x is }}', 1, 6],
    ];
    for (const [source, line, column] of cases) {
      const error = await failure(source);
      expect(error.code, source).toBe('KPI_TEMPLATE_ERROR');
      expect(error.location, source).toEqual({ file: 'models/test.sql', line, column });
    }
    // A template cut off in the middle of a call says so, instead of failing inside the parser.
    const cut = await failure("select * from {{ ref('orders'");
    expect(cut.code).toBe('KPI_TEMPLATE_ERROR');
    expect(cut.message).toMatch(/expected \) to close the call/);
  });
});
