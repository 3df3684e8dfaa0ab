import { describe, expect, it } from 'vitest';
import { renderForTest } from '../helpers/render.js';

/** Statements nunjucks could not parse; expected output is what Jinja2 (with dbt's loopcontrols) renders. */
describe('Jinja statements', () => {
  it('renders recursive loops with loop(children), loop.depth and loop.depth0', async () => {
    const tree = "[{'n': 'a', 'c': [{'n': 'b', 'c': [{'n': 'c', 'c': []}]}]}, {'n': 'd', 'c': []}]";
    expect(await renderForTest(`{% for item in ${tree} recursive %}{{ item.n }}{{ loop.depth }}{{ loop.depth0 }}{% if item.c %}({{ loop(item.c) }}){% endif %}{% endfor %}`)).toBe('a10(b21(c32))d10');
    // A recursive loop keeps its filter at every depth; a loop that does not recurse is at depth 1.
    expect(
      await renderForTest(
        `{% for item in ${tree} if item.n != 'c' recursive %}{{ item.n }}{{ loop.index }}/{{ loop.length }}{{ loop(item.c) }}{% endfor %}|{% for x in [1] %}{{ loop.depth }}{{ loop.depth0 }}{% endfor %}`,
      ),
    ).toBe('a1/2b1/1d2/2|10');
  });

  it('breaks and continues loops', async () => {
    expect(
      await renderForTest(
        '{% for x in [1, 2, 3, 4] %}{% if x % 2 == 0 %}{% continue %}{% endif %}{{ x }}{% endfor %}|{% for x in [1, 2, 3, 4] %}{% if x > 2 %}{% break %}{% endif %}{{ x }}{% endfor %}',
      ),
    ).toBe('13|12');
    expect(
      await renderForTest(
        "{% for k, v in {'a': 1, 'b': 2, 'c': 3} %}{% if v == 2 %}{% break %}{% endif %}{{ k }}{% endfor %}|{% for x in [1, 2] %}{% for y in [1, 2] %}{% if y == 2 %}{% break %}{% endif %}{{ x }}{{ y }}{% endfor %}{% endfor %}",
      ),
    ).toBe('a|1121');
  });

  it('passes a block set through filters', async () => {
    expect(
      await renderForTest(
        "{% set x | upper %}abc{% endset %}{{ x }}|{% set y | replace('a', 'b') | upper -%}\n  aa {{ x }}{% endset %}{{ y }}|{% set ns = namespace(v='') %}{% set ns.v | trim %}  z  {% endset %}[{{ ns.v }}]",
      ),
    ).toBe('ABC|BB ABC|[z]');
  });

  it('scopes names in {% with %}, computing the values in the enclosing scope', async () => {
    expect(
      await renderForTest("{% set a = 'outer' %}{% with a = 1, b = a %}{{ a }}/{{ b }}{% set c = 3 %}{% set a = 5 %}/{{ a }}/{{ c }}{% endwith %}|{{ a }}|{{ 'y' if c is defined else 'n' }}"),
    ).toBe('1/outer/5/3|outer|n');
    expect(
      await renderForTest("{% with %}{% set inner = 1 %}{{ inner }}{% endwith %}|{{ 'y' if inner is defined else 'n' }}|{% for x in [1, 2] %}{% with y = x * 10 %}{{ y }}{% endwith %}{% endfor %}"),
    ).toBe('1|n|1020');
  });

  it('unpacks into parenthesised names in set and for, and iterates a tuple', async () => {
    expect(await renderForTest("{% set (a, b) = ('x', 'y') %}{{ a }}{{ b }}|{% for (k, v) in [('p', 1), ('q', 2)] %}{{ k }}{{ v }}{% endfor %}|{% for x in 1, 2, 3 %}{{ x }}{% endfor %}")).toBe(
      'xy|p1q2|123',
    );
  });

  it("accepts a colon before a block's end, as dbt's own statement macro writes `{% if execute: %}`", async () => {
    expect(
      await renderForTest(
        '{% if true: %}a{% elif false: %}b{% else: %}c{% endif %}|{% for x in [1, 2]: %}{{ x }}{% endfor %}|{% set y: %}z{% endset %}{{ y }}|{% macro m(): %}M{% endmacro %}{{ m() }}',
      ),
    ).toBe('a|12|z|M');
  });

  it('accepts the {%+ and +%} whitespace markers', async () => {
    expect(await renderForTest('x {%+ if true %}y{% endif +%} z')).toBe('x y z');
  });
});
