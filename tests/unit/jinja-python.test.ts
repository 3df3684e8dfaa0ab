import { describe, expect, it } from 'vitest';
import { percentFormat } from '../../src/template/percent-format.js';
import { renderForTest } from '../helpers/render.js';

describe('Jinja operators and values behave as Python', () => {
  it('treats empty lists, dicts and strings as false, and returns operands from and/or', async () => {
    expect(await renderForTest("{% if [] %}a{% else %}b{% endif %}{% if {} %}a{% else %}b{% endif %}{% if '' %}a{% else %}b{% endif %}{% if [0] %}c{% endif %}")).toBe('bbbc');
    expect(await renderForTest("{{ [] or 'fallback' }}|{{ 'x' and 'y' }}|{{ 0 or none or 'z' }}|{{ not [] }}|{{ 'yes' if {'a': 1} else 'no' }}")).toBe('fallback|y|z|true|yes');
    // A macro's empty output is false, as Python's empty Markup is.
    expect(await renderForTest('{% if empty() %}full{% else %}empty{% endif %}', { macros: { 'm.sql': '{% macro empty() %}{% endmacro %}' } })).toBe('empty');
  });

  it('joins lists with +, repeats with *, and keeps the divisor sign with %', async () => {
    expect(await renderForTest("{% set cols = ['id'] + ['a', 'b'] %}{% for c in cols %}{{ c }};{% endfor %}|{{ '-' * 3 }}|{{ [0] * 2 }}|{{ -7 % 3 }}|{{ 7 % -3 }}|{{ 1 + 2 }}")).toBe(
      'id;a;b;|---|0,0|2|-2|3',
    );
  });

  it("formats strings with Python's % operator", async () => {
    expect(await renderForTest("{{ '%s.%s' % ('raw', 'orders') }}|{{ 'n=%d' % 42 }}|{{ '%05.1f%%' % 12.345 }}|{{ '%(a)s-%(b)r' % {'a': 1, 'b': 'x'} }}|{{ '%s' % none }}")).toBe(
      "raw.orders|n=42|012.3%|1-'x'|None",
    );
    expect(percentFormat('%-5s|%5s|%x|%e', ['ab', 'cd', 255, 12345.678])).toBe('ab   |   cd|ff|1.234568e+04');
    expect(percentFormat('%s', [1, 2])).toBe('[1, 2]');
    expect(() => percentFormat('%s %s', ['one'])).toThrow('not enough arguments');
  });

  it("formats strings with Python's str.format", async () => {
    expect(
      await renderForTest(
        "{{ '{}.{}'.format('a', 'b') }}|{{ '{1}{0}'.format('x', 'y') }}|{{ '{n!r}'.format(n='q') }}|{{ '{:>5}|{:<3}|{:^5}'.format('r', 'l', 'c') }}|{{ '{:.2f} {:,} {:05d}'.format(3.14159, 1234567, 42) }}|{{ '{{literal}}'.format() }}",
      ),
    ).toBe("a.b|yx|'q'|    r|l  |  c  |3.14 1,234,567 00042|{literal}");
  });

  it('compares by value with == and in, sets regardless of order', async () => {
    expect(
      await renderForTest(
        "{{ [1, [2]] == [1, [2]] }}|{{ {'a': [1]} != {'a': [1]} }}|{{ set(['b', 'a', 'b']) == set(['a', 'b']) }}|{{ [1, 2] in [[1, 2]] }}|{{ 'ell' in 'hello' }}|{{ 'k' in {'k': 1} }}|{{ 2 not in [1, 3] }}",
      ),
    ).toBe('true|false|true|true|true|true|true');
    expect(await renderForTest("{{ set([3, 1, 3, 2]) | length }}|{% set s = set([1]) %}{% do s.add(2) %}{% do s.add(1) %}{{ s | sort | join(',') }}")).toBe('3|1,2');
  });

  it('indexes from the end with negative numbers and slices text into text', async () => {
    expect(await renderForTest("{{ ['a', 'b', 'c'][-1] }}|{{ 'model.pkg.name'.split('.')[-1] }}|{{ 'abcdef'[1:3] }}|{{ 'abc'[::-1] }}|{{ [1, 2, 3][-2:] | join(',') }}")).toBe('c|name|bc|cba|2,3');
  });

  it("calls Python's list, dict and string methods", async () => {
    const sql = await renderForTest(
      "{% set l = [3, 1, 2] %}{% do l.sort() %}{% do l.insert(0, 9) %}{% do l.remove(2) %}{{ l | join(',') }}:{{ l.index(3) }}:{{ l.pop() }}:{{ l.count(9) }}" +
        "|{% set d = {'a': 1} %}{% do d.update({'b': 2}, c=3) %}{{ d.keys() | join(',') }}:{{ d.get('z', 'none') }}:{{ d.pop('a') }}:{{ d.setdefault('e', 5) }}:{{ d | length }}" +
        "|{{ 'a=b=c'.rsplit('=', 1) | join('/') }}:{{ 'k:v'.partition(':') | join('|') }}:{{ 'x'.center(5, '*') }}:{{ 'AbC'.swapcase() }}",
    );
    expect(sql).toBe('9,1,3:2:3:1|a,b,c:none:1:5:3|a=b/c:k|:|v:**x**:aBc');
  });

  it("prints dicts as Python does, and tests values with Jinja's tests", async () => {
    expect(await renderForTest("{{ {'a': 1, 'b': [True, None]} }}")).toBe("{'a': 1, 'b': [True, None]}");
    const macros = { 'm.sql': '{% macro text() %}x{% endmacro %}' };
    expect(
      await renderForTest(
        "{{ text() is string }}{{ text() is mapping }}{{ {} is mapping }}{{ [] is mapping }}{{ {} is iterable }}{{ 3 is iterable }}{{ 1 is integer }}{{ 1.5 is float }}{{ none is none }}{{ true is true }}{{ 'A' is upper }}{{ [1, 2, 3] | select('in', [2, 3]) | join }}",
        { macros },
      ),
    ).toBe('truefalsetruefalsetruefalsetruetruetruetruetrue23');
  });
});
