import { afterAll, describe, expect, it } from 'vitest';
import type { TargetConfig } from '../../src/config/profiles.js';
import { parseStaticTemplate } from '../../src/template/static-template.js';
import { generateProject } from '../../bench/generate-project.js';
import { copyFixture, makeProject, removeDir } from '../helpers/fixtures.js';
import { pkgShopWithPackages, unitShopWithSources } from '../helpers/fixture-projects.js';
import { copyKpiProject } from '../helpers/kpi-project.js';
import { parseTwoWays } from '../helpers/parse-two-ways.js';

const target: TargetConfig = { type: 'pglite', name: 'dev', profileName: 'test', schema: 'sp', threads: 1, path: null };
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

describe('the static parser reads', () => {
  it('ref, source and config calls with literal arguments, as nunjucks would pass them', () => {
    const template = parseStaticTemplate(
      `{{ config(materialized="table", tags=['a', "b"], meta={'owner': 'x', "n": 1.5}, enabled=True, x=None, y=-2) }}\n` +
        `select * from {{ ref('pkg', 'm') }} join {{ ref('v', version=2) }} join {{source('raw' , "t")}} -- {# a comment #}\n` +
        `where s = '{{ ref('it\\'s' 'joined') }}'`,
    );
    expect(template?.plain).toBe(true);
    expect(template?.parts).toEqual([
      { name: 'config', args: [{ __keywords: true, materialized: 'table', tags: ['a', 'b'], meta: { owner: 'x', n: 1.5 }, enabled: true, x: null, y: -2 }] },
      '\nselect * from ',
      { name: 'ref', args: ['pkg', 'm'] },
      ' join ',
      { name: 'ref', args: ['v', { __keywords: true, version: 2 }] },
      ' join ',
      { name: 'source', args: ['raw', 't'] },
      ' -- ',
      "\nwhere s = '",
      { name: 'ref', args: ["it'sjoined"] },
      "'",
    ]);
  });

  it('Python escapes in strings, and notes whitespace control', () => {
    const template = parseStaticTemplate("{{- ref('a\\tb\\x41\\q') -}}");
    expect(template?.parts).toEqual([{ name: 'ref', args: ['a\tbA\\q'] }]);
    expect(template?.plain).toBe(false);
    expect(parseStaticTemplate('select 1 {#- note -#}')?.plain).toBe(false);
    expect(parseStaticTemplate('select 1')).toEqual({ parts: ['select 1'], plain: true });
  });

  it.each([
    ['a tag', "{% set x = 1 %}select {{ ref('a') }}"],
    ['another function', "select {{ var('x') }}"],
    ['a macro call', "select {{ my_macro('a') }}"],
    ['a filter', "select {{ ref('a') | upper }}"],
    ['an expression argument', "select * from {{ ref('a' ~ 'b') }}"],
    ['a name as argument', 'select * from {{ ref(model_name) }}'],
    ['a number nunjucks reads its own way', "{{ config(x=1_000) }}{{ ref('a') }}"],
    ['a repeated keyword', '{{ config(x=1, x=2) }}'],
    ['a positional argument after a keyword', "{{ ref(version=1, 'a') }}"],
    ['a trailing comma', "{{ ref('a',) }}"],
    ['an unclosed expression', "select {{ ref('a') "],
    ['an unclosed string', "select {{ ref('a) }}"],
    ['a method call', "{{ ref('a').render() }}"],
    ['`- }}` (nunjucks reads a minus)', "{{ ref('a') - }}"],
  ])('and leaves %s to the renderer', (_, source) => {
    expect(parseStaticTemplate(source)).toBeNull();
  });
});

/** A project whose models exercise what the static parser reads, beside models it must leave alone. */
function staticProject(): string {
  return makeProject({
    'kpi_project.yml': 'name: st\nmodels:\n  st:\n    +materialized: view\n    marts:\n      +tags: [mart]\n      +meta: {team: core}\n',
    'models/sources.yml':
      'version: 2\nsources:\n  - name: raw\n    schema: raw_data\n    tables:\n      - name: orders\n      - name: "customers"\nmodels:\n  - name: versioned\n    latest_version: 2\n    versions:\n      - v: 1\n      - v: 2\n',
    'models/base.sql': "select 1 as id -- {{ 'not a call' }} is not in this file",
    'models/stg_orders.sql': "{{ config(materialized='table', tags=['staging'], meta={'owner': 'ana'}, post_hook=['select 1']) }}\nselect * from {{ source('raw', 'orders') }}",
    'models/stg_customers.sql': 'select * from {{ source("raw", "customers") }} {# static, with a comment #}',
    'models/versioned_v1.sql': "select * from {{ ref('base') }}",
    'models/versioned_v2.sql': "{{ config(alias='versioned_now') }}select * from {{ ref('base') }}",
    'models/marts/uses_versions.sql': "select * from {{ ref('versioned', v=1) }} union all select * from {{ ref('versioned') }} union all select * from {{ ref('st', 'base') }}",
    'models/marts/escapes.sql': "{{ config(tags=['it\\'s', \"tab\\there\"], schema='marts') }}\nselect '{{ ref(\"base\") }}' as quoted",
    'models/marts/trimmed.sql': "select *\n  {{- ref('stg_orders') -}}\n as x {#- gone -#}\nfrom {{ ref('stg_customers') }}",
    'models/marts/aliased.sql': "{{ config(alias=' aliased_now ', database='', schema=' spaced ') }}select 1 as x",
    'models/marts/rendered.sql': "{% set n = 3 %}select {{ n }} as n from {{ ref('base') }}",
    'models/marts/disabled.sql': "{{ config(enabled=False) }}select * from {{ ref('base') }}",
    'models/marts/ephemeral_user.sql': "select * from {{ ref('eph') }}",
    'models/eph.sql': "{{ config(materialized='ephemeral') }}select * from {{ ref('base') }}",
    'analyses/a.sql': "select * from {{ ref('stg_orders') }}",
  });
}

describe('a manifest is the same with the static parser on and off', () => {
  const projects: Array<[string, () => Promise<string> | string, number]> = [
    ['a project of static and rendered models', staticProject, 10],
    ['jaffle_shop', () => copyFixture('jaffle_shop'), 1],
    ['jaffle_shop_seeds', () => copyFixture('jaffle_shop_seeds'), 1],
    ['jaffle_shop_tested', () => copyFixture('jaffle_shop_tested'), 1],
    ['unit_shop (with the sources its tests write)', () => unitShopWithSources('sp_raw'), 1],
    ['pkg_shop (with its packages)', pkgShopWithPackages, 1],
    // Every model of the KPI project calls macros: all rendered, compared all the same.
    ['the KPI project of this repository', copyKpiProject, 0],
    ['a generated project', () => generateProject(300), 10],
    ['a generated project of static models', () => generateProject(300, { static: true }), 300],
  ];

  it.each(projects)(
    '%s',
    async (_, make, minimumStatic) => {
      const dir = await make();
      dirs.push(dir);
      const {
        manifests,
        compiled,
        fastNodes: staticNodes,
      } = await parseTwoWays(dir, target, [{ staticParser: true }, { staticParser: false }], ['model', 'analysis'], (code) => Boolean(parseStaticTemplate(code)));
      // The comparison means something only where the static path was taken.
      expect(staticNodes).toBeGreaterThanOrEqual(minimumStatic);
      expect(manifests[0]).toBe(manifests[1]);
      expect(compiled[0]).toEqual(compiled[1]);
    },
    120_000,
  );
});
