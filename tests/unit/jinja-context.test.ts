import { describe, expect, it } from 'vitest';
import type { QueryResult } from '../../src/adapters/adapter.js';
import { Relation } from '../../src/adapters/relation.js';
import { KpiError } from '../../src/errors.js';
import { renderForTest } from '../helpers/render.js';

describe("dbt's template context, as packages use it", () => {
  it('has modules.datetime with dates, times, deltas, strftime and strptime', async () => {
    const sql = await renderForTest(
      "{% set d = modules.datetime.date(2024, 2, 28) %}{{ d + modules.datetime.timedelta(days=1) }}|{{ (d + modules.datetime.timedelta(weeks=1)).strftime('%Y/%m/%d %a') }}" +
        '|{{ (modules.datetime.date(2025, 3, 1) - d).days }}|{{ modules.datetime.datetime(2024, 1, 2, 3, 4, 5).isoformat() }}' +
        "|{{ modules.datetime.datetime.strptime('2024-05-06 07:08', '%Y-%m-%d %H:%M').hour }}|{{ modules.datetime.date(2024, 1, 1) < modules.datetime.date(2024, 1, 2) }}" +
        "|{{ modules.datetime.datetime.now().strftime('%Y') | length }}|{{ modules.datetime.datetime.fromisoformat('2024-01-01T10:00:00+02:00').hour }}",
    );
    // fromisoformat keeps the wall time and the offset, as Python's does.
    expect(sql).toBe('2024-02-29|2024/03/06 Wed|367|2024-01-02T03:04:05|7|true|4|10');
  });

  it('has modules.re with Python patterns and replacement templates', async () => {
    const sql = await renderForTest(
      "{{ modules.re.sub('[^a-z0-9_]+', '', 'Hello World-1'.lower()) }}|{{ modules.re.sub('(?P<w>\\\\w+)@(\\\\w+)', '\\\\2 at \\\\g<w>', 'me@host') }}" +
        "|{{ modules.re.match('^(\\\\d+)-(\\\\d+)$', '12-34').groups() | join('+') }}|{{ modules.re.search('b+', 'abbbc').group() }}|{{ modules.re.match('b', 'abc') is none }}" +
        "|{{ modules.re.findall('\\\\d', 'a1b2') | join }}|{{ modules.re.split('\\\\s*,\\\\s*', 'a , b,c') | join('|') }}|{{ modules.re.compile('(?i)ABC').search('xabc') is not none }}" +
        "|{{ modules.re.sub('a', 'b', 'aaa', count=2) }}|{{ modules.re.sub('x', 'y', 'XX', flags=modules.re.IGNORECASE) }}",
    );
    expect(sql).toBe('helloworld1|host at me|12+34|bbb|true|12|a|b|c|true|bba|yy');
  });

  it('passes keyword arguments to filters as Jinja does', async () => {
    const sql = await renderForTest(
      "{{ [{'n': 1}, {'n': 2}] | sum(attribute='n') }}|{{ ['a', 'b'] | join(d='-') }}|{{ [3, 1, 2] | sort(reverse=true) | join }}|{{ [] | default('empty', boolean=true) }}" +
        "|{{ ['A', 'a', 'b'] | unique | join }}|{{ [{'k': 'x'}, {'k': 'y'}] | map(attribute='k') | join }}|{{ [[1, 'a'], [2, 'b']] | map(attribute=1) | join }}" +
        "|{{ '%s=%s' | format('k', 'v') }}|{{ 'xxhixx' | trim('x') }}|{{ {'b': 1, 'a': 2} | tojson }}|{{ \"it's\" | tojson }}|{{ [{'g': 'a', 'v': 1}, {'g': 'b', 'v': 2}, {'g': 'a', 'v': 3}] | groupby('g') | map(attribute='grouper') | join }}" +
        "|{{ 3.14159 | round(2) }}|{{ ['a', 'b'] | list | length }}|{{ {'x': 1} | list | join }}|{{ 'ab' | list | join('.') }}",
    );
    expect(sql).toBe('3|a-b|321|empty|Ab|xy|ab|k=v|hi|{"a": 2, "b": 1}|"it\\u0027s"|ab|3.14|2|x|a.b');
  });

  it('builds relations and columns with api, and relations are mappings with metadata', async () => {
    const sql = await renderForTest(
      "{% set r = api.Relation.create(database='db', schema='s', identifier='t', type='table') %}{{ r }}|{{ r.is_table }}|{{ r is mapping }}|{{ r.get('metadata', {}).get('type', '').endswith('Relation') }}" +
        "|{{ api.Relation.add_ephemeral_prefix('m') }}|{{ api.Column.translate_type('string') }}|{{ api.Column.translate_type('integer') }}|{{ api.Column.numeric_type('numeric', 28, 6) }}" +
        "|{{ api.Column.create('c', 'string').data_type }}|{{ api.Column.from_description('x', 'character varying(20)').data_type }}|{{ r.incorporate(path={'identifier': 'u'}) }}",
    );
    expect(sql).toBe('"s"."t"|true|true|true|__dbt__cte__m|TEXT|integer|numeric(28,6)|TEXT|character varying(20)|"s"."u"');
  });

  it('has the Python builtins dbt adds: zip, dict, list, tojson, fromjson, local_md5', async () => {
    const sql = await renderForTest(
      "{% for a, b in zip(['x', 'y'], [1, 2]) %}{{ a }}{{ b }}{% endfor %}|{{ dict([('a', 1)], b=2) | dictsort | map('join', ':') | join(',') }}|{{ tojson({'b': [1, None], 'a': True}, sort_keys=True) }}" +
        "|{{ fromjson('{\"k\": [1]}').k[0] }}|{{ local_md5('kpi') }}|{{ fromyaml('a: [1, 2]').a | length }}",
    );
    expect(sql).toBe('x1y2|a:1,b:2|{"a": true, "b": [1, null]}|1|56e0292e9c1c9e7a704461bb57c5dfaa|2');
  });

  it("dispatches as dbt does: the project's dispatch search_order, else the root project then the package", async () => {
    const packages = {
      util_pkg: {
        'u.sql': `{% macro greet() %}{{ return(adapter.dispatch('greet', 'util_pkg')()) }}{% endmacro %}
{% macro default__greet() %}package default{% endmacro %}
{% macro shout(x) %}{{ return(adapter.dispatch('shout', 'util_pkg')(x)) }}{% endmacro %}
{% macro default__shout(x) %}{{ x | upper }}{% endmacro %}`,
      },
      shim_pkg: { 's.sql': `{% macro postgres__greet() %}shim for postgres{% endmacro %}` },
    };
    const macros = { 'm.sql': `{% macro default__shout(x) %}root: {{ x }}{% endmacro %}` };
    // No dispatch config: root project first (its default__shout wins), then the package.
    expect(await renderForTest("{{ util_pkg.greet() }}|{{ util_pkg.shout('hi') }}", { macros, packages })).toBe('package default|root: hi');
    // A search order puts the shim first: its postgres__ implementation wins over the package's default__.
    const dispatch = [{ macro_namespace: 'util_pkg', search_order: ['shim_pkg', 'util_pkg'] }];
    expect(await renderForTest("{{ util_pkg.greet() }}|{{ util_pkg.shout('hi') }}", { macros, packages, dispatch })).toBe('shim for postgres|HI');
    // Nothing to dispatch to: the error lists what was searched.
    const error = await renderForTest("{{ adapter.dispatch('nothing', 'util_pkg')() }}", { packages }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KpiError);
    expect((error as KpiError).message).toContain("Searched for: 'test_project.postgres__nothing', 'test_project.default__nothing', 'util_pkg.postgres__nothing', 'util_pkg.default__nothing'");
  });

  it('calls package macros by namespace but not unqualified from the root project', async () => {
    const packages = { util_pkg: { 'u.sql': '{% macro helper() %}helped{% endmacro %}' } };
    expect(await renderForTest('{{ util_pkg.helper() }}', { packages })).toBe('helped');
    const error = await renderForTest('{{ helper() }}', { packages }).catch((caught: unknown) => caught);
    expect((error as KpiError).code).toBe('KPI_TEMPLATE_ERROR');
    const missing = await renderForTest('{{ util_pkg.nope() }}', { packages }).catch((caught: unknown) => caught);
    expect((missing as KpiError).message).toMatch(/package 'util_pkg' has no macro 'nope'/);
  });

  it("points an error inside a package's macro at the macro's file and line", async () => {
    const packages = { util_pkg: { 'macros/broken.sql': '{% macro fine() %}ok{% endmacro %}\n\n{% macro broken() %}\n  {{ nothing_here() }}\n{% endmacro %}' } };
    const error = await renderForTest('select 1\n{{ util_pkg.broken() }}', { packages }).catch((caught: unknown) => caught);
    expect((error as KpiError).code).toBe('KPI_TEMPLATE_ERROR');
    expect((error as KpiError).location).toEqual({ file: 'macros/broken.sql', line: 4, column: 18 });
    expect((error as KpiError).hint).toBe('in a macro, while rendering models/test.sql');
  });

  it("runs the adapter's schema and relation statements a user's macro asks for, as dbt-postgres writes them, and logs each", async () => {
    const seen: string[] = [];
    const logged: string[] = [];
    const query = async (sql: string) => {
      seen.push(sql);
      return { rows: [], fields: [], rowCount: 0, command: 'OK' } as unknown as QueryResult;
    };
    const template =
      "{% set s = api.Relation.create(schema='scratch') %}{% do adapter.create_schema(s) %}{% do adapter.drop_schema(s) %}" +
      "{% set t = api.Relation.create(schema='scratch', identifier='t', type='table') %}{% do adapter.truncate_relation(t) %}" +
      "{% do adapter.rename_relation(t, api.Relation.create(schema='scratch', identifier='u')) %}{% do adapter.drop_relation(t) %}" +
      "{% do adapter.drop_relation(api.Relation.create(schema='scratch', identifier='v', type='view')) %}" +
      "{% do adapter.drop_relation(api.Relation.create(schema='scratch', identifier='m', type='materialized_view')) %}ok";
    expect(await renderForTest(template, { host: { query, log: (message) => logged.push(message) } })).toBe('ok');
    const expected = [
      'create schema if not exists "scratch"',
      'drop schema if exists "scratch" cascade',
      'truncate table "scratch"."t"',
      'alter table "scratch"."t" rename to "u"',
      'drop table if exists "scratch"."t" cascade',
      'drop view if exists "scratch"."v" cascade',
      'drop materialized view if exists "scratch"."m" cascade',
    ];
    expect(seen).toEqual(expected);
    expect(logged).toEqual([
      ...expected.slice(0, 2).map((sql) => `adapter.${sql.startsWith('create') ? 'create_schema' : 'drop_schema'}: ${sql}`),
      `adapter.truncate_relation: ${expected[2]}`,
      `adapter.rename_relation: ${expected[3]}`,
      ...expected.slice(4).map((sql) => `adapter.drop_relation: ${sql}`),
    ]);
    // While parsing, nothing runs (dbt's parse_none); a relation of unknown type cannot be dropped, as in dbt.
    const untyped = "{% do adapter.drop_relation(api.Relation.create(schema='sandbox', identifier='x')) %}";
    expect(await renderForTest(`${untyped}parsed`, { host: { execute: false, query } })).toBe('parsed');
    const error = await renderForTest(untyped, { host: { query } }).catch((caught: unknown) => caught);
    expect((error as KpiError).message).toBe('Tried to drop relation "sandbox"."x", but its type is null.');
  });

  it('raises compiler errors with the message, and warns without failing', async () => {
    const logged: string[] = [];
    expect(await renderForTest("{% do exceptions.warn('careful') %}ok", { host: { log: (message) => logged.push(message) } })).toBe('ok');
    expect(logged).toEqual(['warning: careful']);
    const error = await renderForTest("{{ exceptions.raise_compiler_error('In ' ~ this ~ ': bad') }}", { host: { thisRelation: Relation.create('s', 'm', 'view') } }).catch(
      (caught: unknown) => caught,
    );
    expect((error as KpiError).message).toBe('In "s"."m": bad');
  });
});
