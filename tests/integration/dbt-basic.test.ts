/**
 * dbt's adapter conformance tests for data tests and materializations, through the kpi
 * binary on both databases: dbt-tests-adapter `basic/test_base.py`, `test_singular_tests.py`,
 * `test_singular_tests_ephemeral.py`, `test_generic_tests.py`, `test_ephemeral.py`,
 * `test_incremental.py` (with BaseIncrementalBadStrategy, which dbt-postgres runs) and
 * `test_table_materialization.py`. Fixtures are read unchanged
 * from the pinned tarball; each step's expected counts are the Python test's assertions,
 * read from target/run_results.json and target/catalog.json as dbt's `run_dbt` returns them.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteAdapter } from '../../src/adapters/pglite/pglite-adapter.js';
import { basicFiles, pythonConstants } from '../helpers/dbt-adapter-tests.js';
import { kpi } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase, uniqueSchema, type DatabaseKind, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

const BASIC = 'dbt-tests-adapter/src/dbt/tests/adapter/basic';

/**
 * A profile on the test server, or on the one embedded database of this file (a data
 * directory every project's kpi invocations open, each project in its own schema).
 */
function profileYaml(kind: DatabaseKind, schema: string, pgliteDir: string): string {
  const output = kind === 'pglite' ? `      type: pglite\n      path: "${pgliteDir}"\n` : `      type: postgres\n      url: "{{ env_var('KPI_TEST_PG_URL') }}"\n`;
  return `test:\n  target: dev\n  outputs:\n    dev:\n${output}      schema: ${schema}\n      threads: 2\n`;
}

/** Run SQL on the project's database between kpi invocations (the embedded one is opened on its data directory). */
async function runSql(kind: DatabaseKind, db: TestDatabase | undefined, pgliteDir: string, sql: string): Promise<Array<Record<string, unknown>>> {
  if (kind === 'postgres') return (db as TestDatabase).adapter.withConnection(async (connection) => (await connection.execute(sql)).at(-1)?.rows ?? []);
  const adapter = await PgliteAdapter.open({ dataDir: pgliteDir, lock: { wait: true } });
  try {
    return await adapter.withConnection(async (connection) => (await connection.execute(sql)).at(-1)?.rows ?? []);
  } finally {
    await adapter.close();
  }
}

interface RunResults {
  results: Array<{ unique_id: string; status: string; message?: string | null }>;
}

for (const kind of databaseKinds()) {
  describe(`dbt's basic conformance tests through the kpi binary on ${kind}`, () => {
    let db: TestDatabase | undefined;
    const pgliteRoot = mkdtempSync(join(tmpdir(), 'kpi-dbt-basic-'));
    const pgliteDir = join(pgliteRoot, 'pglite');
    beforeAll(async () => {
      if (kind === 'postgres') db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db?.close();
      removeDir(pgliteRoot);
    });

    const project = (name: string, files: Record<string, string>) => {
      const schema = db ? db.target().schema : uniqueSchema();
      const dir = makeProject({ 'dbt_project.yml': `name: ${name}\nprofile: test\nconfig-version: 2\n`, 'profiles.yml': profileYaml(kind, schema, pgliteDir), ...files });
      const invoke = (args: string[]) => kpi(args, { cwd: dir, env: { DBT_PROFILES_DIR: dir } });
      const readJson = <T>(file: string) => JSON.parse(readFileSync(join(dir, 'target', file), 'utf8')) as T;
      /** dbt's run_dbt: the command's results (run_results.json), expecting it to pass or not. */
      const run = async (args: string[], expectPass = true) => {
        const result = await invoke(args);
        expect(result.code, result.stdout + result.stderr).toBe(expectPass ? 0 : 1);
        return readJson<RunResults>('run_results.json').results;
      };
      /** dbt's check_result_nodes_by_name. */
      const names = (results: RunResults['results']) => results.map((result) => result.unique_id.split('.')[2]).sort();
      const sql = (text: string) => runSql(kind, db, pgliteDir, text);
      const count = async (relation: string) => Number((await sql(`select count(*) as num_rows from "${schema}"."${relation}"`))[0].num_rows);
      /** dbt's check_relation_types: 'table' or 'view' as the catalog says. */
      const relationTypes = async () => {
        const rows = await sql(`select table_name, table_type from information_schema.tables where table_schema = '${schema}'`);
        return Object.fromEntries(rows.map((row) => [String(row.table_name), row.table_type === 'VIEW' ? 'view' : 'table']));
      };
      /** dbt's check_relations_equal: the same rows in every column of the first relation. */
      const relationsEqual = async (relations: string[]) => {
        const columns = await sql(`select column_name from information_schema.columns where table_schema = '${schema}' and table_name = '${relations[0]}' order by ordinal_position`);
        expect(columns.length).toBeGreaterThan(0);
        const list = columns.map((row) => `"${String(row.column_name)}"`).join(', ');
        for (const other of relations.slice(1)) {
          const a = `select ${list} from "${schema}"."${relations[0]}"`;
          const b = `select ${list} from "${schema}"."${other}"`;
          expect(await sql(`(${a} except all ${b}) union all (${b} except all ${a})`), other).toEqual([]);
        }
      };
      /** dbt's `docs generate` result: the catalog's nodes and sources. */
      const catalog = async () => {
        const result = await invoke(['docs', 'generate']);
        expect(result.code, result.stdout + result.stderr).toBe(0);
        const json = readJson<{ nodes: Record<string, unknown>; sources: Record<string, unknown> }>('catalog.json');
        return { nodes: Object.keys(json.nodes).length, sources: Object.keys(json.sources).length };
      };
      const manifest = () => readJson<{ nodes: Record<string, { resource_type: string }>; sources: Record<string, unknown> }>('manifest.json');
      return { dir, schema, invoke, run, names, sql, count, relationTypes, relationsEqual, catalog, manifest };
    };

    it('BaseSimpleMaterializations (test_base.py)', async () => {
      const files = basicFiles();
      const p = project('base', {
        'models/view_model.sql': files.base_view_sql,
        'models/table_model.sql': files.base_table_sql,
        'models/swappable.sql': files.base_materialized_var_sql,
        'models/schema.yml': files.schema_base_yml,
        'seeds/base.csv': files.seeds_base_csv,
      });
      expect(await p.run(['seed'])).toHaveLength(1);
      const results = await p.run(['run']);
      expect(results).toHaveLength(3);
      expect(p.names(results)).toEqual(['swappable', 'table_model', 'view_model']);
      expect(await p.relationTypes()).toEqual({ base: 'table', view_model: 'view', table_model: 'table', swappable: 'table' });
      expect(await p.count('base')).toBe(10);
      await p.relationsEqual(['base', 'view_model', 'table_model', 'swappable']);
      expect(await p.catalog()).toEqual({ nodes: 4, sources: 1 });

      expect(await p.run(['run', '-m', 'swappable', '--vars', 'materialized_var: view'])).toHaveLength(1);
      expect(await p.relationTypes()).toEqual({ base: 'table', view_model: 'view', table_model: 'table', swappable: 'view' });
      expect(await p.run(['run', '-m', 'swappable', '--vars', 'materialized_var: incremental'])).toHaveLength(1);
      expect(await p.relationTypes()).toEqual({ base: 'table', view_model: 'view', table_model: 'table', swappable: 'table' });
      removeDir(p.dir);
    });

    it('BaseSingularTests (test_singular_tests.py)', async () => {
      const files = basicFiles();
      const p = project('singular_tests', { 'tests/passing.sql': files.test_passing_sql, 'tests/failing.sql': files.test_failing_sql });
      const results = await p.run(['test'], false);
      expect(results).toHaveLength(2);
      expect(p.names(results)).toEqual(['failing', 'passing']);
      expect(Object.fromEntries(results.map((result) => [result.unique_id.split('.')[2], result.status]))).toEqual({ passing: 'pass', failing: 'fail' });
      removeDir(p.dir);
    });

    it('BaseSingularTestsEphemeral (test_singular_tests_ephemeral.py)', async () => {
      const files = basicFiles();
      const p = project('singular_tests_ephemeral', {
        'seeds/base.csv': files.seeds_base_csv,
        'models/ephemeral.sql': files.ephemeral_with_cte_sql,
        'models/passing_model.sql': files.test_ephemeral_passing_sql,
        'models/failing_model.sql': files.test_ephemeral_failing_sql,
        'models/schema.yml': files.schema_base_yml,
        'tests/passing.sql': files.test_ephemeral_passing_sql,
        'tests/failing.sql': files.test_ephemeral_failing_sql,
      });
      const seeded = await p.run(['seed']);
      expect(p.names(seeded)).toEqual(['base']);
      const tested = await p.run(['test'], false);
      expect(p.names(tested)).toEqual(['failing', 'passing']);
      expect(Object.fromEntries(tested.map((result) => [result.unique_id.split('.')[2], result.status]))).toEqual({ passing: 'pass', failing: 'fail' });
      const built = await p.run(['run']);
      expect(p.names(built)).toEqual(['failing_model', 'passing_model']);
      removeDir(p.dir);
    });

    it('BaseGenericTests (test_generic_tests.py): tests declared under models: for a seed test the seed', async () => {
      const files = basicFiles();
      const p = project('generic_tests', {
        'seeds/base.csv': files.seeds_base_csv,
        'seeds/schema.yml': files.generic_test_seed_yml,
        'models/view_model.sql': files.base_view_sql,
        'models/table_model.sql': files.base_table_sql,
        'models/schema.yml': files.schema_base_yml,
        'models/schema_view.yml': files.generic_test_view_yml,
        'models/schema_table.yml': files.generic_test_table_yml,
      });
      await p.run(['seed']);
      const invoked = await p.invoke(['test', '-m', 'base']);
      expect(invoked.code, invoked.stdout).toBe(0);
      // dbt's WrongResourceSchemaFile warning, naming the entry.
      expect(invoked.stdout).toMatch(/seeds\/schema\.yml:\d+:\d+: 'base' is a seed, but its properties are given under models:/);
      const onSeed = p.manifest().nodes;
      const test = Object.entries(onSeed).find(([id]) => id.startsWith('test.generic_tests.not_null_base_id.'));
      expect((test?.[1] as { attached_node?: string } | undefined)?.attached_node).toBe('seed.generic_tests.base');
      expect(JSON.parse(readFileSync(join(p.dir, 'target/run_results.json'), 'utf8')).results).toHaveLength(1);
      expect(await p.run(['run'])).toHaveLength(2);
      expect(await p.run(['test'])).toHaveLength(3);
      removeDir(p.dir);
    });

    it('BaseEphemeral (test_ephemeral.py)', async () => {
      const files = basicFiles();
      const p = project('ephemeral', {
        'seeds/base.csv': files.seeds_base_csv,
        'models/ephemeral.sql': files.base_ephemeral_sql,
        'models/view_model.sql': files.ephemeral_view_sql,
        'models/table_model.sql': files.ephemeral_table_sql,
        'models/schema.yml': files.schema_base_yml,
      });
      expect(p.names(await p.run(['seed']))).toEqual(['base']);
      expect(p.names(await p.run(['run']))).toEqual(['table_model', 'view_model']);
      expect(await p.count('base')).toBe(10);
      await p.relationsEqual(['base', 'view_model', 'table_model']);
      expect(await p.catalog()).toEqual({ nodes: 3, sources: 1 });
      const manifest = p.manifest();
      expect(Object.keys(manifest.nodes)).toHaveLength(4);
      expect(Object.keys(manifest.sources)).toHaveLength(1);
      removeDir(p.dir);
    });

    it('BaseIncremental (test_incremental.py)', async () => {
      const files = basicFiles();
      const p = project('incremental', {
        'models/incremental.sql': files.incremental_sql,
        'models/schema.yml': files.schema_base_yml,
        'seeds/base.csv': files.seeds_base_csv,
        'seeds/added.csv': files.seeds_added_csv,
      });
      expect(await p.run(['seed'])).toHaveLength(2);
      expect(await p.count('base')).toBe(10);
      expect(await p.count('added')).toBe(20);
      expect(await p.run(['run', '--vars', 'seed_name: base'])).toHaveLength(1);
      await p.relationsEqual(['base', 'incremental']);
      expect(await p.run(['run', '--vars', 'seed_name: added'])).toHaveLength(1);
      await p.relationsEqual(['added', 'incremental']);
      expect(await p.catalog()).toEqual({ nodes: 3, sources: 1 });
      removeDir(p.dir);
    });

    it('BaseIncrementalNotSchemaChange (test_incremental.py): on_schema_change sync_all_columns, second run succeeds', async () => {
      const p = project('incremental', { 'models/incremental_not_schema_change.sql': basicFiles().incremental_not_schema_change_sql });
      await p.run(['run', '--select', 'incremental_not_schema_change']);
      const second = await p.run(['run', '--select', 'incremental_not_schema_change']);
      expect(second[0].status).toBe('success');
      removeDir(p.dir);
    });

    it('BaseIncrementalBadStrategy (test_incremental.py, as dbt-postgres runs it): an unknown strategy fails the first run', async () => {
      const files = basicFiles();
      const p = project('incremental', {
        'models/incremental.sql': files.incremental_invalid_strategy_sql,
        'models/schema.yml': files.schema_base_yml,
        'seeds/base.csv': files.seeds_base_csv,
        'seeds/added.csv': files.seeds_added_csv,
      });
      expect(await p.run(['seed'])).toHaveLength(2);
      const results = await p.run(['run'], false);
      expect(results).toHaveLength(1);
      expect(results[0].status).toBe('error');
      // dbt names the macro it looked for (get_incremental_bad_strategy_sql); kpi names the
      // config and the strategies there are (docs/dbt-differences.md, Incremental models).
      expect(results[0].message).toContain("incremental_strategy='bad_strategy' is not one of append, delete+insert, merge, microbatch");
      expect(Number((await p.sql(`select count(*) as n from information_schema.tables where table_schema = '${p.schema}' and table_name = 'incremental'`))[0].n)).toBe(0);
      removeDir(p.dir);
    });

    it('BaseTableMaterialization (test_table_materialization.py): sort and dist are no-ops on Postgres', async () => {
      const module = pythonConstants(`${BASIC}/test_table_materialization.py`);
      const p = project('table_materialization', { 'seeds/seed.csv': module.seeds__seed_csv as string, 'models/materialized.sql': module.model_sql as string });
      expect(await p.run(['seed'])).toHaveLength(1);
      expect(await p.run(['run'])).toHaveLength(1);
      await p.relationsEqual(['seed', 'materialized']);
      removeDir(p.dir);
    });
  });
}
