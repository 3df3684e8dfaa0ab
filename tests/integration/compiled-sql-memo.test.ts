import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, type CompileOptions } from '../../src/api.js';
import { compiledSqlMemoPath } from '../../src/compile/compiled-sql-memo.js';
import { RenderPurity } from '../../src/compile/render-purity.js';
import type { MacroDefinition } from '../../src/manifest/types.js';
import { generateProject } from '../../bench/generate-project.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { copyFixture, makeProject, removeDir, writeFile } from '../helpers/fixtures.js';
import { pkgShopWithPackages, unitShopWithSources } from '../helpers/fixture-projects.js';
import { copyKpiProject } from '../helpers/kpi-project.js';

const macro = (name: string, sql: string): MacroDefinition => ({
  unique_id: `macro.p.${name}`,
  name,
  package_name: 'p',
  original_file_path: 'macros/m.sql',
  path: 'macros/m.sql',
  macro_sql: sql,
  line: 1,
  arguments: [],
  description: '',
  meta: {},
  depends_on: { macros: [] },
});

describe('which renders the compiled-SQL memo may remember', () => {
  const purity = new RenderPurity([
    macro('plain', '{% macro plain(x) %}{{ x }} * 2{% endmacro %}'),
    macro('stamped', "{% macro stamped() %}'{{ run_started_at }}'{% endmacro %}"),
    macro('via_stamped', '{% macro via_stamped() %}{{ stamped() }}{% endmacro %}'),
    macro('default__cols', "{% macro default__cols() %}{% set r = run_query('select 1') %}{% endmacro %}"),
    macro('cols', "{% macro cols() %}{{ adapter.dispatch('cols')() }}{% endmacro %}"),
  ]);

  it.each([
    ["select {{ ref('a') }}, {{ var('n') }}, {{ env_var('E', 'x') }}", true],
    ['select {{ plain(1) }}', true],
    ["select {{ adapter.quote('x') }}", true],
    ["select '{{ invocation_id }}'", false],
    ['select {{ via_stamped() }}', false],
    // Reached through dispatch: default__cols queries.
    ['select {{ cols() }}', false],
    ['{% set t = adapter.get_columns_in_relation(this) %}select 1', false],
    ["{% do log('hi', info=true) %}select 1", false],
    ["select {{ context['run_started_at'] }}", false],
  ])('%s → %s', (text, pure) => {
    expect(purity.isPure(text)).toBe(pure);
  });
});

for (const kind of databaseKinds()) {
  describe(`the compiled-SQL memo on ${kind}`, () => {
    let db: TestDatabase;
    const dirs: string[] = [];
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
      for (const dir of dirs) removeDir(dir);
    });

    const sqlById = (nodes: Array<{ unique_id: string; sql: string }>) => Object.fromEntries(nodes.map((node) => [node.unique_id, node.sql]));
    /** manifest.json without what changes every invocation. */
    const manifestText = (dir: string) =>
      readFileSync(join(dir, 'target', 'manifest.json'), 'utf8')
        .replace(/"invocation_id":"[^"]*"/g, '')
        .replace(/"generated_at":"[^"]*"/g, '')
        .replace(/"created_at":[0-9.]+/g, '');

    // Left out: the models that query tables an empty schema lacks (their renders are never remembered: they query).
    it.each([
      ['jaffle_shop', () => copyFixture('jaffle_shop'), []],
      ['jaffle_shop_tested', () => copyFixture('jaffle_shop_tested'), []],
      ['unit_shop', () => unitShopWithSources('memo_src'), []],
      ['pkg_shop', pkgShopWithPackages, ['status_pivot']],
      ['the KPI project', copyKpiProject, ['agg_kpi_dashboard', 'fact_kpi_daily', 'kpi_thresholds']],
      ['a generated project with macros', () => generateProject(300), []],
      ['a generated static project', () => generateProject(300, { static: true }), []],
    ])('gives %s the SQL and manifest of a fresh render, from the memo', async (_, make, exclude) => {
      const dir = await make();
      dirs.push(dir);
      const options: CompileOptions = { projectDir: dir, targetConfig: db.target(), adapter: db.adapter, env: {}, exclude };
      const fresh = await compile({ ...options, compiledSqlMemo: false });
      const freshManifest = manifestText(dir);
      const first = await compile(options);
      const memo = JSON.parse(readFileSync(compiledSqlMemoPath(join(dir, 'target')), 'utf8')) as { nodes: Record<string, { sql: string }> };
      // Most nodes are pure; the memo holds them as the fresh render gave them.
      expect(Object.keys(memo.nodes).length).toBeGreaterThan(0);
      for (const [id, entry] of Object.entries(memo.nodes)) expect(entry.sql).toBe(sqlById(fresh)[id]);
      const again = await compile(options);
      expect(sqlById(first)).toEqual(sqlById(fresh));
      expect(sqlById(again)).toEqual(sqlById(fresh));
      expect(manifestText(dir)).toBe(freshManifest);
    });

    /** A project whose renders read a var, an env var and a macro at compile time only, one incremental, one ephemeral, and two impure ones. */
    function memoProject(): string {
      const dir = makeProject({
        'kpi_project.yml': 'name: memo\nmodels:\n  memo:\n    +materialized: view\n',
        'macros/m.sql': '{% macro twice(x) %}{{ x }} * 2{% endmacro %}',
        'models/a.sql': "select {% if execute %}{{ var('m', 0) }}{% else %}0{% endif %} as m",
        'models/b.sql': "select '{% if execute %}{{ env_var('KPI_MEMO_TEST', 'none') }}{% endif %}' as e from {{ ref('a') }}",
        'models/c.sql': 'select {{ twice(3) }} as t',
        'models/d.sql': "{{ config(materialized='incremental') }}select 1 as id{% if is_incremental() %} where false{% endif %}",
        'models/e.sql': "{{ config(materialized='ephemeral') }}select 5 as five",
        'models/f.sql': "select five from {{ ref('e') }}",
        'models/g.sql': "select '{{ invocation_id }}' as i",
        'models/h.sql': "{% set r = run_query('select 7 as v') %}select {{ r.columns[0].values()[0] if execute else 0 }} as v",
      });
      dirs.push(dir);
      return dir;
    }

    /** Replace every remembered SQL with a marker: what a compile then returns with the marker was taken from the memo. */
    function plant(dir: string): void {
      const path = compiledSqlMemoPath(join(dir, 'target'));
      const file = JSON.parse(readFileSync(path, 'utf8')) as { nodes: Record<string, { sql: string }> };
      for (const [id, entry] of Object.entries(file.nodes)) entry.sql = `-- planted ${id}`;
      writeFileSync(path, JSON.stringify(file));
    }
    const reused = (nodes: Array<{ unique_id: string; sql: string }>) =>
      nodes
        .filter((node) => node.sql.startsWith('-- planted'))
        .map((node) => node.unique_id.replace('model.memo.', ''))
        .sort();
    const byName = (nodes: Array<{ unique_id: string; sql: string }>) => Object.fromEntries(nodes.map((node) => [node.unique_id.replace('model.memo.', ''), node.sql]));

    it('reuses pure renders only, and renders again what their inputs changed', async () => {
      const dir = memoProject();
      const schema = db.target();
      const options: CompileOptions = { projectDir: dir, targetConfig: schema, adapter: db.adapter, env: {}, vars: { m: 1 } };
      await compile(options);
      plant(dir);
      // The invocation id and a query are not remembered; the rest is reused as it was (the ephemeral inside f).
      expect(reused(await compile(options))).toEqual(['a', 'b', 'c', 'd', 'f']);

      // A --vars value only the compile read: that model alone.
      plant(dir);
      const newVar = await compile({ ...options, vars: { m: 2 } });
      expect(reused(newVar)).toEqual(['b', 'c', 'd', 'f']);
      expect(byName(newVar).a).toBe('select 2 as m');

      // An environment variable only the compile read.
      await compile(options);
      plant(dir);
      const newEnv = await compile({ ...options, env: { KPI_MEMO_TEST: 'set' } });
      expect(reused(newEnv)).toEqual(['a', 'c', 'd', 'f']);
      expect(byName(newEnv).b).toContain("'set' as e");

      // The incremental model's table now exists: is_incremental() is true.
      await compile(options);
      plant(dir);
      await db.query(`create schema if not exists "${schema.schema}"`);
      await db.query(`create table "${schema.schema}".d as select 1 as id`);
      const incremental = await compile(options);
      expect(reused(incremental)).toEqual(['a', 'b', 'c', 'f']);
      expect(byName(incremental).d).toBe('select 1 as id where false');

      // Another target schema: everything again.
      plant(dir);
      const otherTarget = await compile({ ...options, targetConfig: { ...schema, schema: `${schema.schema}_x` } });
      expect(reused(otherTarget)).toEqual([]);
      expect(byName(otherTarget).f).toContain('__dbt__cte__e');
    });

    it('renders everything again after an edited model or macro', async () => {
      const dir = memoProject();
      const options: CompileOptions = { projectDir: dir, targetConfig: db.target(), adapter: db.adapter, env: {} };
      await compile(options);
      plant(dir);
      writeFile(dir, 'models/c.sql', 'select {{ twice(4) }} as t');
      const later = new Date(Date.now() + 5000);
      utimesSync(join(dir, 'models/c.sql'), later, later);
      const edited = await compile(options);
      expect(reused(edited)).toEqual([]);
      expect(byName(edited).c).toBe('select 4 * 2 as t');

      await compile(options);
      plant(dir);
      writeFile(dir, 'macros/m.sql', '{% macro twice(x) %}{{ x }} + {{ x }}{% endmacro %}');
      const macroEdited = await compile(options);
      expect(reused(macroEdited)).toEqual([]);
      expect(byName(macroEdited).c).toBe('select 4 + 4 as t');
    });

    it('does not open the database when every selected node is remembered and none is incremental', async () => {
      const dir = memoProject();
      const options: CompileOptions = { projectDir: dir, targetConfig: db.target(), adapter: db.adapter, env: {}, vars: { m: 1 }, select: ['a', 'b', 'c', 'f'] };
      const expected = byName(await compile(options));
      const refusing = new Proxy(db.adapter, {
        get: (target, name) => (name === 'withConnection' ? () => Promise.reject(new Error('the database was opened')) : (Reflect.get(target, name) as unknown)),
      });
      expect(byName(await compile({ ...options, adapter: refusing }))).toEqual(expected);
      // An incremental model's SQL depends on its table: the database is asked.
      await expect(compile({ ...options, adapter: refusing, select: ['a', 'd'] })).rejects.toThrow('the database was opened');
      // As does a changed input the memo cannot answer for.
      await expect(compile({ ...options, adapter: refusing, vars: { m: 2 } })).rejects.toThrow('the database was opened');
    });

    it('ignores a damaged memo, or a damaged entry, and renders again', async () => {
      const dir = memoProject();
      const options: CompileOptions = { projectDir: dir, targetConfig: db.target(), adapter: db.adapter, env: {}, vars: { m: 1 } };
      const expected = byName(await compile({ ...options, compiledSqlMemo: false }));
      await compile(options);
      const path = compiledSqlMemoPath(join(dir, 'target'));
      const file = JSON.parse(readFileSync(path, 'utf8')) as { nodes: Record<string, unknown> };
      file.nodes['model.memo.a'] = { sql: 42, existingTable: false };
      file.nodes['model.memo.c'] = 'not an entry';
      writeFileSync(path, JSON.stringify(file));
      expect(withoutVolatile(byName(await compile(options)))).toEqual(withoutVolatile(expected));
      writeFileSync(path, '{ "format": "not json');
      expect(withoutVolatile(byName(await compile(options)))).toEqual(withoutVolatile(expected));
      writeFileSync(path, '[]');
      expect(withoutVolatile(byName(await compile(options)))).toEqual(withoutVolatile(expected));
    });
  });
}

/** g renders the invocation id, new every compile. */
function withoutVolatile(sql: Record<string, string>): Record<string, string> {
  const { g: _, ...rest } = sql;
  return rest;
}
