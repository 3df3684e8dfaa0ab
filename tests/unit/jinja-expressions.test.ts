import { describe, expect, it } from 'vitest';
import { renderForTest } from '../helpers/render.js';

/**
 * Expressions nunjucks could not parse or computed differently from Jinja. Expected values
 * are what Jinja2 renders; booleans are shown through `'y' if ... else 'n'`, because kpi
 * prints `true` where Jinja prints `True` (docs/dbt-differences.md).
 */
describe('Jinja expressions', () => {
  it('chains conditional expressions, also in parentheses, macro arguments and filter arguments', async () => {
    const macros = { 'm.sql': '{% macro echo(x) %}<{{ x }}>{% endmacro %}' };
    expect(
      await renderForTest("{{ 1 if false else 2 if true else 3 }}|{{ 1 if false else 2 if false else 3 }}|{% set x = 'y' %}{{ 'none' if x is none else 'str' if x is string else 'other' }}", {
        macros,
      }),
    ).toBe('2|3|str');
    expect(
      await renderForTest("{{ ((1 if false else 2) if true else 3) + 1 }}|{{ echo('a' if false else 'b' if true else 'c') }}|{{ 'abc' | replace('a', 'x' if false else 'y' if true else 'z') }}", {
        macros,
      }),
    ).toBe('3|<b>|ybc');
    // Without else, the value is undefined and renders as nothing; `a if b if c` nests to the left.
    expect(await renderForTest("[{{ 'a' if false }}]|{{ 'a' if true if true else 'b' }}|{{ 'a' if false if false else 'b' }}")).toBe('[]|a|b');
  });

  it("has Jinja's tests, with an argument in parentheses or after a space", async () => {
    const cases: Array<[string, boolean]> = [
      ['6 is divisibleby(3)', true],
      ['7 is divisibleby 3', false],
      ['none is sameas none', true],
      ['false is sameas false', true],
      ['0 is sameas false', false],
      ['1 is sameas 1', true],
      ['3 is odd', true],
      ['-3 is odd', true],
      ['4 is even', true],
      ["'abc1' is lower", true],
      ["'123' is lower", false],
      ["'ABC' is upper", true],
      ['1 is gt 0', true],
      ['1 is ge(1)', true],
      ['1 is lt 1', false],
      ['2 is le 2', true],
      ['1 is eq 1', true],
      ['1 is ne 1', false],
      ['1 is in [1, 2]', true],
      ["'upper' is filter", true],
      ["'nope' is filter", false],
      ["'odd' is test", true],
      ['x is defined', true],
      ['nothing is undefined', true],
      ['true is boolean', true],
      ['1 is boolean', false],
      ['1 is integer', true],
      ['1.5 is float', true],
      ['1.5 is number', true],
      ["'a' is number", false],
      ['[1] is sequence', true],
      ['{} is mapping', true],
      ['namespace is callable', true],
      ['3 is not odd', false],
    ];
    const template = `{% set x = 1 %}${cases.map(([test]) => `{{ 'y' if ${test} else 'n' }}`).join('')}`;
    expect(await renderForTest(template)).toBe(cases.map(([, expected]) => (expected ? 'y' : 'n')).join(''));
  });

  it('binds tests as tightly as filters, and filters with operator names select by comparison', async () => {
    // Jinja parses `1 + 2 is odd` as `1 + (2 is odd)`, and `'ab' | length is even` tests the length.
    expect(
      await renderForTest(
        "{{ 'y' if ('ab' | length is even) else 'n' }}|{{ 'y' if not 3 is even else 'n' }}|{{ [1, 2, 3] | select('>', 1) | join(',') }}|{{ [{'n': 1}, {'n': 2}] | selectattr('n', '==', 2) | map(attribute='n') | join }}|{{ [1, 2, 3, 4] | reject('divisibleby', 2) | join(',') }}",
      ),
    ).toBe('y|y|2,3|2|1,3');
  });

  it('reads Python number literals', async () => {
    expect(await renderForTest('{{ 1_000 + 1 }}|{{ (1e3 + 1) | int }}|{{ 2.5e-1 }}|{{ 0x1F }}|{{ 0o17 }}|{{ 0b101 }}|{{ 1.5 }}')).toBe('1001|1001|0.25|31|15|5|1.5');
  });

  it('indexes with `x.0`, joins adjacent strings, and has tuples of one and of none', async () => {
    expect(await renderForTest("{% set rows = [[1, 2], [3, 4]] %}{{ rows.1.0 }}|{{ 'sel' 'ect' }}|{{ (1,) | length }}|{{ () | length }}|{% set t = 1, 2 %}{{ t | length }}")).toBe('3|select|1|0|2');
  });

  it('slices as Python does: bounds clamp, negative bounds and steps, text stays text', async () => {
    expect(
      await renderForTest(
        "{{ [1, 2, 3][0:4] | length }}|{{ [1, 2, 3][-5:2] | join(',') }}|{{ [1, 2, 3][5:] | length }}|{{ [1, 2, 3, 4, 5][::2] | join(',') }}|{{ [1, 2, 3, 4, 5][::-2] | join(',') }}|{{ [1, 2, 3, 4, 5][3:0:-1] | join(',') }}" +
          "|{{ 'hello'[1:10] }}|{{ 'hello'[-3:] }}|{{ 'hello'[::-1] }}|{{ 'hello'[:-1] }}",
      ),
    ).toBe('3|1,2|0|1,3,5|5,3,1|4,3,2|ello|llo|olleh|hell');
  });

  it('chains comparisons and joins str() of both sides with ~', async () => {
    expect(await renderForTest("{{ 'y' if 1 < 2 < 3 else 'n' }}{{ 'y' if 3 > 2 > 1 else 'n' }}{{ 'y' if 1 < 3 < 2 else 'n' }}{{ 'y' if 1 == 1 != 2 else 'n' }}")).toBe('yyny');
    expect(await renderForTest("{{ 'a' ~ nothing ~ 'b' }}|{{ 'n=' ~ none }}|{{ 'b=' ~ true }}|{{ 'l=' ~ [1, 'x'] }}|{{ 'd=' ~ {'k': 1} }}|{{ 1 ~ 2 }}")).toBe(
      "ab|n=None|b=True|l=[1, 'x']|d={'k': 1}|12",
    );
  });

  it('divides as Python does', async () => {
    expect(await renderForTest('{{ 7 / 2 }}|{{ 7 // 2 }}|{{ -7 // 2 }}|{{ 2 ** 10 }}|{{ -7 % 3 }}')).toBe('3.5|3|-4|1024|2');
    const error = await renderForTest('{{ 1 / 0 }}').catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/division by zero/);
  });
});
