import { describe, expect, it } from 'vitest';
import { KpiError } from '../../src/errors.js';
import { injectCtes } from '../../src/compile/inject-ctes.js';
import { renderForTest } from '../helpers/render.js';

describe('templates render as dbt users write Jinja', () => {
  it('resolves ref, source, this, var, env_var and target', async () => {
    const sql = await renderForTest("select {{ var('answer') }}, '{{ env_var('KPI_TEST_VALUE') }}', '{{ target.schema }}' from {{ ref('orders') }} join {{ source('raw', 'events') }} -- {{ this }}");
    expect(sql).toBe(`select 42, 'from-env', 'sandbox' from "sandbox"."orders" join "raw"."events" -- "sandbox"."this_model"`);
  });

  it('controls whitespace and drops comments as Jinja does', async () => {
    expect(await renderForTest('a\n{%- if true %}\n  b\n{%- endif %}\n{#- note -#}\nc')).toBe('a\n  bc');
  });

  it('supports macros with defaults, kwargs, varargs and return()', async () => {
    const macros = {
      'm.sql': `
{% macro add(a, b=10) -%}{{ return(a + b) }}{%- endmacro %}
{% macro describe() -%}{{ varargs | join('/') }}|{% for k, v in kwargs.items() %}{{ k }}={{ v }}{% endfor %}{%- endmacro %}
{% macro cols() %}{{ return(['a', 'b']) }}{% endmacro %}`,
    };
    expect(await renderForTest('{{ add(1) }} {{ add(1, b=2) }} {{ describe(1, 2, x=3) }} {{ cols() | join(",") }}', { macros })).toBe('11 3 1/2|x=3 a,b');
  });

  it("supports Python's True/False/None, namespace(), do, list methods, slices and value equality", async () => {
    const sql = await renderForTest(
      '{% set ns = namespace(total=0) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}' +
        "|{% set items = [] %}{% do items.append('x') %}{% do items.extend(['y']) %}{{ items }}" +
        "|{{ [1, 2, 3][1:] }}|{{ [1, 2] == [1, 2] }}|{{ {'a': 1} == {'a': 1} }}|{{ '1' == 1 }}|{{ None is none }}|{{ True and not False }}",
    );
    expect(sql).toBe('6|x,y|2,3|true|true|false|true|true');
  });

  it('reads parenthesised lists as tuples', async () => {
    expect(await renderForTest("{{ 'b' in ('a', 'b') }}|{{ 'c' in ('a', 'b') }}|{% for x, y in [(1, 2), (3, 4)] %}{{ x }}{{ y }}{% endfor %}|{{ (1 + 2) * 3 }}")).toBe('true|false|1234|9');
  });

  it('calls Python string methods on strings', async () => {
    expect(await renderForTest("{{ 'Order Items'.lower().replace(' ', '_') }} {{ ' x '.strip() }} {{ 'a,b'.split(',') | length }} {{ 'abc'.upper() }} {{ 'x_y'.startswith('x') }}")).toBe(
      'order_items x 2 ABC true',
    );
  });

  it('dispatches to postgres__ then default__ implementations', async () => {
    const macros = {
      'd.sql': `{% macro greet() %}{{ return(adapter.dispatch('greet', 'test_project')()) }}{% endmacro %}
{% macro default__greet() %}default{% endmacro %}
{% macro postgres__greet() %}postgres{% endmacro %}
{% macro only() %}{{ return(adapter.dispatch('only')()) }}{% endmacro %}
{% macro default__only() %}fallback{% endmacro %}`,
    };
    expect(await renderForTest('{{ greet() }} {{ only() }}', { macros })).toBe('postgres fallback');
  });

  it('calls macros through their package namespace', async () => {
    const macros = { 'n.sql': '{% macro shout(x) %}{{ x | upper }}{% endmacro %}' };
    expect(await renderForTest("{{ test_project.shout('hi') }} {{ dbt.generate_schema_name(none, none) }}", { macros })).toBe('HI sandbox');
  });

  it('names the file, line and column of a template error', async () => {
    const error = await renderForTest('select 1\n{{ not_a_function() }}').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KpiError);
    expect((error as KpiError).code).toBe('KPI_TEMPLATE_ERROR');
    expect((error as KpiError).location).toMatchObject({ file: 'models/test.sql', line: 2 });
  });

  it('keeps the code of errors raised from templates', async () => {
    const error = await renderForTest("select 1\n\n{{ exceptions.raise_compiler_error('bad input') }}").catch((caught: unknown) => caught);
    expect((error as KpiError).code).toBe('KPI_COMPILER_ERROR');
    expect((error as KpiError).message).toBe('bad input');
    expect((error as KpiError).location).toMatchObject({ file: 'models/test.sql', line: 3 });
    const missing = await renderForTest("{{ var('nope') }}").catch((caught: unknown) => caught);
    expect((missing as KpiError).code).toBe('KPI_VAR_MISSING');
    const env = await renderForTest("{{ env_var('KPI_NOT_SET_ANYWHERE') }}").catch((caught: unknown) => caught);
    expect((env as KpiError).code).toBe('KPI_ENV_VAR_MISSING');
  });
});

describe('ephemeral CTE injection', () => {
  const ctes = [{ name: '__dbt__cte__a', sql: 'select 1 as x' }];

  it('prepends a WITH to a plain select', () => {
    expect(injectCtes('select * from "__dbt__cte__a"', ctes)).toBe('with "__dbt__cte__a" as (\nselect 1 as x\n)\nselect * from "__dbt__cte__a"');
  });

  it("joins the model's own WITH list, after leading comments", () => {
    expect(injectCtes('-- note\nwith b as (select 2)\nselect * from b', ctes)).toBe('-- note\nwith "__dbt__cte__a" as (\nselect 1 as x\n),\nb as (select 2)\nselect * from b');
    expect(injectCtes('WITH RECURSIVE r as (select 1) select * from r', ctes)).toBe('with RECURSIVE "__dbt__cte__a" as (\nselect 1 as x\n),\nr as (select 1) select * from r');
  });
});

describe('macro files', () => {
  it('ignore macro and test tags inside Jinja comments', async () => {
    const { extractMacros } = await import('../../src/project/extract-macros.js');
    const macros = extractMacros('{# {% macro ghost() %}boo{% endmacro %} #}\n{% macro real() %}{# {% test t() %} #}ok{% endmacro %}', 'macros/m.sql');
    expect(macros.map((macro) => [macro.name, macro.line])).toEqual([['real', 2]]);
  });
});
