import { describe, expect, it } from 'vitest';
import type { QueryResult } from '../../src/adapters/adapter.js';
import { type KpiError } from '../../src/errors.js';
import { renderForTest } from '../helpers/render.js';

/** A stand-in database for `statement` / `run_query`: answers every query with these rows. */
function answering(rows: Array<Record<string, unknown>>, seen: string[] = []) {
  return async (sql: string): Promise<QueryResult> => {
    seen.push(sql.trim());
    const names = Object.keys(rows[0] ?? {});
    return { rows, fields: names.map((name) => ({ name })), rowCount: rows.length, command: 'SELECT' } as unknown as QueryResult;
  };
}

describe('Jinja syntax that dbt packages use', () => {
  it('passes *args and **kwargs on at call sites', async () => {
    const macros = {
      'm.sql': `
{% macro inner(a, b=0) %}{{ a }}/{{ b }}/{{ kwargs | dictsort | map('join', '=') | join(',') }}{% endmacro %}
{% macro outer(a) %}{{ inner(a, **kwargs) }}{% endmacro %}
{% macro splat() %}{{ inner(*varargs) }}{% endmacro %}`,
    };
    expect(await renderForTest("{{ outer(1, b=2, z='last', y=3) }}|{{ splat(7, 8) }}|{{ inner(*['p'], **{'q': 1}) }}|{{ inner(1, b=2,) }}", { macros })).toBe('1/2/y=3,z=last|7/8/|p/0/q=1|1/2/');
  });

  it('reads string literals as Python does, and nested dict literals that end in }}', async () => {
    const multiLine = "{%- set message = '\nWarning: one \\\ntwo {}.\\\n'.format('x') -%}{{ message }}";
    expect(await renderForTest(multiLine)).toBe('\nWarning: one two x.');
    expect(await renderForTest("{{ modules.re.sub('\\s+', '_', 'a  b') }}|{{ 'it\\'s' }}|{{ '\\x41\\u00e9\\t' | length }}|{{ 'a\\\\b' }}")).toBe("a_b|it's|3|a\\b");
    expect(await renderForTest("{{ {'a': {'b': {'c': 1}}} }}|{% set d = {'k': {'v': 2}} %}{{ d.k.v }}")).toBe("{'a': {'b': {'c': 1}}}|2");
  });

  it('reads dict keys as expressions', async () => {
    expect(await renderForTest("{% set k = 'col' %}{% set d = {k: 1, k ~ '_2': 2, 'lit': 3} %}{{ d | dictsort | map('first') | join(',') }}|{{ {ref('x'): 'r'}[ref('x')] }}")).toBe('col,col_2,lit|r');
  });

  it("unpacks tuples in set, iterates a dict's keys, and knows loop.changed/cycle/previtem/nextitem", async () => {
    expect(await renderForTest("{% set a, b = ('x', 'y') %}{{ b }}{{ a }}|{% for k in {'p': 1, 'q': 2} %}{{ k }}{% endfor %}|{% for k, v in {'p': 1}.items() %}{{ k }}={{ v }}{% endfor %}")).toBe(
      'yx|pq|p=1',
    );
    expect(
      await renderForTest(
        "{% for g in ['a', 'a', 'b', 'a'] %}{% if loop.changed(g) %}[{{ g }}]{% endif %}{% endfor %}|{% for x in [1, 2, 3] %}{{ loop.cycle('o', 'e') }}{% endfor %}|{% for x in [1, 2, 3] %}{{ loop.previtem }}<{{ x }}>{{ loop.nextitem }};{% endfor %}",
      ),
    ).toBe('[a][b][a]|oeo|<1>2;1<2>3;2<3>;');
    const error = await renderForTest('{% set a, b = [1, 2, 3] %}').catch((caught: unknown) => caught);
    expect((error as KpiError).message).toMatch(/too many values to unpack/);
  });

  it('filters loops with `for x in items if condition`, counting only the items kept', async () => {
    expect(
      await renderForTest(
        "{% for x in [1, 2, 3, 4] if x % 2 == 0 %}{{ x }}/{{ loop.index }}{{ ',' if not loop.last }}{% endfor %}|{% for k, v in {'a': 1, 'b': 2} if v > 1 %}{{ k }}{% endfor %}|{% for x in [1] if false %}{% else %}none{% endfor %}|{% set skip = 'z' %}{% for x in ['a', 'z'] if x != skip %}{{ x }}{% endfor %}",
      ),
    ).toBe('2/1,4/2|b|none|a');
  });

  it('assigns to namespace attributes in loops', async () => {
    expect(
      await renderForTest('{% set ns = namespace(found=false, items=[]) %}{% for x in [1, 2] %}{% set ns.found = true %}{% do ns.items.append(x) %}{% endfor %}{{ ns.found }}{{ ns.items | length }}'),
    ).toBe('true2');
  });

  it('runs {% call statement %} blocks when executing, with load_result, and returns from inside them', async () => {
    const seen: string[] = [];
    const macros = {
      'm.sql': `
{% macro values_of(n) %}
  {%- call statement('values', fetch_result=True) -%} select {{ n }} as v {%- endcall -%}
  {%- set result = load_result('values') -%}
  {%- if result and result['data'] -%}{{ return(result['data'] | map(attribute=0) | list) }}{%- else -%}{{ return([]) }}{%- endif -%}
{% endmacro %}
{% macro early() %}{% call statement('never') %}{{ return('from the call block') }}{% endcall %}{% endmacro %}`,
    };
    const host = { query: answering([{ v: 41 }, { v: 42 }], seen) };
    expect(await renderForTest("{{ values_of(1) | join(',') }}|{{ load_result('values')['data'] | length }}|{{ early() }}", { macros, host })).toBe('41,42|2|from the call block');
    expect(seen).toEqual(['select 1 as v']);
    // While parsing nothing runs and the body is not rendered, as in dbt.
    expect(await renderForTest('{{ values_of(1) | length }}|{{ early() }}', { macros, host: { execute: false } })).toBe('0|');
  });

  it('reads query results as agate tables: rows by position and name, columns by name, items()', async () => {
    const host = {
      query: answering([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ]),
    };
    const sql = await renderForTest(
      "{% set t = run_query('select 1') %}{{ t.rows | length }}:{{ t.rows[0][1] }}{{ t.rows[1]['name'] }}{{ t.rows[1].name }}:{{ t.columns['id'].values() | join(',') }}:{{ t.columns[1].values() | join(',') }}:{% for name, column in t.columns.items() %}{{ name }}={{ column.values() | length }};{% endfor %}:{% for row in t %}{{ row.id }}{% endfor %}:{{ t.column_names | join(',') }}",
      { host },
    );
    expect(sql).toBe('2:abb:1,2:a,b:id=2;name=2;:12:id,name');
  });
});
