import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '../../src/api.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import { KpiError } from '../../src/errors.js';
import { shareLiterals } from '../../src/template/literal-sharing.js';
import { generateProject } from '../../bench/generate-project.js';
import { copyFixture, makeProject, removeDir } from '../helpers/fixtures.js';
import { pkgShopWithPackages, unitShopWithSources } from '../helpers/fixture-projects.js';
import { copyKpiProject } from '../helpers/kpi-project.js';
import { parseTwoWays } from '../helpers/parse-two-ways.js';

const target: TargetConfig = { type: 'pglite', name: 'dev', profileName: 'test', schema: 'ls', threads: 1, path: null };
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

describe('files that differ only in string literals share a template', () => {
  it('lifts the literals of expressions and statement tags, with their values as the lexer reads them', () => {
    expect(shareLiterals("{{ config(tags=['a']) }}\nselect 'x' from {{ ref('m_1') }} where s = '{{ \"it\\'s\\tq\" }}'")).toEqual({
      shape: "{{ config(tags=[__kpi_lit_0]) }}\nselect 'x' from {{ ref(__kpi_lit_1) }} where s = '{{ __kpi_lit_2 }}'",
      values: { __kpi_lit_0: 'a', __kpi_lit_1: 'm_1', __kpi_lit_2: "it's\tq" },
    });
    expect(shareLiterals("{% set p = ['a', 'b'] %}{% for x in p %}{% if x == 'a' %}{{ x }}{% endif %}{% endfor %}")?.shape).toBe(
      '{% set p = [__kpi_lit_0, __kpi_lit_1] %}{% for x in p %}{% if x == __kpi_lit_2 %}{{ x }}{% endif %}{% endfor %}',
    );
    // Comments and the SQL around tags are text: their quotes are not literals.
    expect(shareLiterals("select '{' -- {# {{ 'c' }} #}\n{{- ref('a') -}}")?.shape).toBe("select '{' -- {# {{ 'c' }} #}\n{{- ref(__kpi_lit_0) -}}");
  });

  it.each([
    ['a dict (a key must stay a literal)', "{{ config(meta={'owner': 'a'}) }}"],
    ['a macro definition', "{% macro m(x='a') %}{{ x }}{% endmacro %}{{ m() }}"],
    ['a raw block', "{% raw %}{{ 'a' }}{% endraw %}"],
    ['a call block', "{% call statement('main') %}select 1{% endcall %}"],
    ['an unclosed tag', "{{ ref('a') "],
    ['an unclosed string', "{{ ref('a) }}"],
    ['no literal', '{{ ref(name) }}'],
    ['no tag', "select 'a'"],
  ])('and leaves a file with %s as it is', (_, source) => {
    expect(shareLiterals(source)).toBeNull();
  });

  it.each([
    ['adjacent literals (joined by the parser)', "{{ ref('a' 'b') }}", "{{ ref('a' 'b') }}"],
    ['a prefixed literal', "{{ x(r'a') }}", "{{ x(r'a') }}"],
    ['a literal with a line break', "{{ x('a\\\nb') }}", "{{ x('a\\\nb') }}"],
  ])('and keeps %s as written', (_, source, shape) => {
    const shared = shareLiterals(`${source}{{ ref('z') }}`);
    expect(shared?.shape).toBe(`${shape}{{ ref(__kpi_lit_0) }}`);
    expect(shared?.values).toEqual({ __kpi_lit_0: 'z' });
  });
});

/** Models of one shape with different literals, Python string methods, tests with arguments, and errors. */
function sharedProject(): string {
  return makeProject({
    'kpi_project.yml': 'name: ls\nmodels:\n  ls:\n    +materialized: view\n',
    'macros/m.sql': "{% macro twice(x, sep='-') %}{{ x }}{{ sep }}{{ x }}{% endmacro %}",
    'models/base.sql': "select 1 as id, 'a' as s",
    'models/a.sql': "{{ config(tags=['one']) }}select '{{ twice('a') }}' as s, {{ 'it\\'s'.upper() | length }} as n from {{ ref('base') }}",
    'models/b.sql': "{{ config(tags=['two']) }}select '{{ twice('b') }}' as s, {{ 'x\\ty'.upper() | length }} as n from {{ ref('a') }}",
    'models/c.sql': "{% set parents = ['a', 'b'] %}select {% for p in parents %}{{ p ~ '_' }}{{ ', ' if not loop.last }}{% endfor %} from {{ ref(parents[0]) }}",
    'models/d.sql': "{% set parents = ['b', 'a'] %}select {% for p in parents %}{{ p ~ '_' }}{{ ', ' if not loop.last }}{% endfor %} from {{ ref(parents[0]) }}",
    'models/props.yml':
      'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [not_null, unique, {accepted_values: {values: [1, 2]}}]\n      - name: s\n        data_tests: [not_null, {relationships: {to: "ref(\'base\')", field: s}}]\n  - name: b\n    columns:\n      - name: id\n        data_tests: [not_null, unique]\n',
  });
}

describe('a manifest and the compiled SQL are the same with literal sharing on and off', () => {
  // The least number of models, analyses and tests whose template is shared: the comparison means something only there.
  const projects: Array<[string, () => Promise<string> | string, number]> = [
    ['a project of shared shapes, string methods and tests with arguments', sharedProject, 10],
    ['jaffle_shop', () => copyFixture('jaffle_shop'), 3],
    ['jaffle_shop_tested', () => copyFixture('jaffle_shop_tested'), 20],
    ['unit_shop (with the sources its tests write)', () => unitShopWithSources('ls_raw'), 3],
    ['pkg_shop (with its packages)', pkgShopWithPackages, 3],
    ['the KPI project of this repository', copyKpiProject, 10],
    ['a generated project', () => generateProject(300), 250],
    ['a generated project with property entries and tests', () => generateProject(200, { static: true, properties: true }), 380],
  ];

  it.each(projects)(
    '%s',
    async (_, make, minimumShared) => {
      const dir = await make();
      dirs.push(dir);
      // The static parser off: every model is rendered, so each goes through the shared template or its own.
      const {
        manifests,
        compiled,
        fastNodes: sharedNodes,
      } = await parseTwoWays(
        dir,
        target,
        [
          { staticParser: false, literalSharing: true },
          { staticParser: false, literalSharing: false },
        ],
        ['model', 'analysis', 'test'],
        (code) => Boolean(shareLiterals(code)),
      );
      expect(sharedNodes).toBeGreaterThanOrEqual(minimumShared);
      // Rendered, not failed the same way twice.
      expect(Object.values(compiled[0]).filter((sql) => !sql.startsWith('error:')).length).toBeGreaterThanOrEqual(minimumShared);
      expect(manifests[0]).toBe(manifests[1]);
      expect(compiled[0]).toEqual(compiled[1]);
    },
    120_000,
  );
});

describe('an error in a file of a shared shape', () => {
  it('names the file, line and column its own template gives', async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: le\n',
      'models/ok.sql': "select '{{ 'abc'.upper() }}' as x",
      'models/bad.sql': "select '{{ 'abcdefghij'.upper() }}' as x,\n  {{ 'abcdefghij'.nope() }} as y",
    });
    dirs.push(dir);
    const errors: Array<{ code: string; message: string; location: unknown }> = [];
    for (const literalSharing of [true, false]) {
      const error = await parse({ projectDir: dir, targetConfig: target, partialParse: false, staticParser: false, literalSharing, env: {} }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(KpiError);
      const { code, message, location } = error as KpiError;
      errors.push({ code, message, location });
    }
    expect(errors[0]).toEqual(errors[1]);
    expect(errors[0].location).toMatchObject({ file: 'models/bad.sql', line: 2 });
  });
});
