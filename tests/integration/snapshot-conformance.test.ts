/**
 * dbt's adapter conformance tests for snapshots, through the kpi binary on both databases:
 * dbt-tests-adapter `basic/test_snapshot_check_cols.py`, `basic/test_snapshot_timestamp.py`
 * and from `simple_snapshot/`: `new_record_timestamp_mode.py` (with `new_record_check_mode.py`),
 * `test_various_configs.py`, `new_record_dbt_valid_to_current.py`, `test_snapshot.py` and
 * `test_ephemeral_snapshot_hard_deletes.py`.
 * Fixtures are read unchanged from the pinned tarball; the steps and expected counts are
 * those of the Python tests. dbt's `update_rows` helper is the SQL it generates on Postgres
 * (`timestamp_add_sql`: `+ interval '1 hour'`, `string_add_sql`: `|| 'value'`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteAdapter } from '../../src/adapters/pglite/pglite-adapter.js';
import { basicFiles, pythonConstants, pythonStrings } from '../helpers/dbt-adapter-tests.js';
import { kpi, profileYaml } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase, uniqueSchema, type DatabaseKind, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';

const SIMPLE = 'dbt-tests-adapter/src/dbt/tests/adapter/simple_snapshot';

/** Run SQL on the project's database between kpi invocations (the embedded one is opened on its data directory). */
async function runSql(kind: DatabaseKind, db: TestDatabase | undefined, dir: string, sql: string): Promise<Array<Record<string, unknown>>> {
  if (kind === 'postgres') return (db as TestDatabase).adapter.withConnection(async (connection) => (await connection.execute(sql)).at(-1)?.rows ?? []);
  const adapter = await PgliteAdapter.open({ dataDir: join(dir, '.kpi/pglite'), lock: { wait: true } });
  try {
    // dbt's fixtures hold several statements in one string: the last one's rows are returned.
    return await adapter.withConnection(async (connection) => (await connection.execute(sql)).at(-1)?.rows ?? []);
  } finally {
    await adapter.close();
  }
}

for (const kind of databaseKinds()) {
  describe(`dbt's snapshot conformance tests through the kpi binary on ${kind}`, () => {
    let db: TestDatabase | undefined;
    beforeAll(async () => {
      if (kind === 'postgres') db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db?.close();
    });

    const project = (name: string, files: Record<string, string>, projectConfig = '') => {
      const schema = db ? db.target().schema : uniqueSchema();
      const dir = makeProject({ 'dbt_project.yml': `name: ${name}\nprofile: test\nconfig-version: 2\n${projectConfig}`, 'profiles.yml': profileYaml('test', kind, schema), ...files });
      const invoke = (args: string[]) => kpi(args, { cwd: dir, env: { DBT_PROFILES_DIR: dir } });
      const run = async (...args: string[]) => {
        const result = await invoke(args);
        expect(result.stderr).toBe('');
        expect(result.code, result.stdout).toBe(0);
        return result;
      };
      // dbt's project fixture makes the test schema before the test's SQL runs.
      let schemaMade = false;
      const sql = (text: string) => {
        const made = schemaMade;
        schemaMade = true;
        return runSql(kind, db, dir, made ? text : `create schema if not exists "${schema}";\n${text}`);
      };
      const count = async (relation: string) => Number((await sql(`select count(*) as num_rows from "${schema}"."${relation}"`))[0].num_rows);
      // project.run_sql formats {schema} and {database} into dbt's fixtures.
      const database = kind === 'pglite' ? 'postgres' : new URL(process.env.KPI_TEST_PG_URL as string).pathname.slice(1);
      const format = (text: string) => text.replaceAll('{database}', database).replaceAll('{schema}', schema);
      /** dbt's check_relations_equal: the same rows in every column of the first relation. */
      const relationsEqual = async (actual: string, expected: string) => {
        const columns = await sql(`select column_name from information_schema.columns where table_schema = '${schema}' and table_name = '${actual}' order by ordinal_position`);
        const list = columns.map((row) => `"${String(row.column_name)}"`).join(', ');
        const a = `select ${list} from "${schema}"."${actual}"`;
        const b = `select ${list} from "${schema}"."${expected}"`;
        expect(await sql(`(${a} except all ${b}) union all (${b} except all ${a})`)).toEqual([]);
      };
      return { dir, schema, run, invoke, sql, count, format, relationsEqual };
    };

    it('BaseSnapshotCheckCols: check_cols all, [name] and [some_date]', async () => {
      const files = basicFiles();
      const p = project('snapshot_strategy_check_cols', {
        'seeds/base.csv': files.seeds_base_csv,
        'seeds/added.csv': files.seeds_added_csv,
        'snapshots/cc_all_snapshot.sql': files.cc_all_snapshot_sql,
        'snapshots/cc_date_snapshot.sql': files.cc_date_snapshot_sql,
        'snapshots/cc_name_snapshot.sql': files.cc_name_snapshot_sql,
      });
      expect((await p.run('seed')).stdout).toMatch(/PASS=2 /);
      const first = await p.run('snapshot');
      expect(first.stdout).toMatch(/OK snapshotted/);
      expect(first.stdout).toMatch(/PASS=3 WARN=0 ERROR=0/);
      for (const name of ['cc_all_snapshot', 'cc_name_snapshot', 'cc_date_snapshot']) expect(await p.count(name)).toBe(10);

      await p.run('snapshot', '--vars', 'seed_name: added');
      for (const name of ['cc_all_snapshot', 'cc_name_snapshot', 'cc_date_snapshot']) expect(await p.count(name)).toBe(20);

      await p.sql(`update "${p.schema}"."added" set some_date = some_date + interval '1 hour' where id > 10 and id < 21`);
      await p.run('snapshot', '--vars', 'seed_name: added');
      expect(await p.count('cc_all_snapshot')).toBe(30);
      expect(await p.count('cc_date_snapshot')).toBe(30);
      expect(await p.count('cc_name_snapshot')).toBe(20);

      await p.sql(`update "${p.schema}"."added" set name = name || '_updated' where id < 11`);
      await p.run('snapshot', '--vars', 'seed_name: added');
      expect(await p.count('cc_all_snapshot')).toBe(40);
      expect(await p.count('cc_name_snapshot')).toBe(30);
      expect(await p.count('cc_date_snapshot')).toBe(30);
      removeDir(p.dir);
    });

    it('BaseSnapshotTimestamp: strategy timestamp on some_date', async () => {
      const files = basicFiles();
      const p = project('snapshot_strategy_timestamp', {
        'seeds/base.csv': files.seeds_base_csv,
        'seeds/newcolumns.csv': files.seeds_newcolumns_csv,
        'seeds/added.csv': files.seeds_added_csv,
        'snapshots/ts_snapshot.sql': files.ts_snapshot_sql,
      });
      expect((await p.run('seed')).stdout).toMatch(/PASS=3 /);
      expect((await p.run('snapshot')).stdout).toMatch(/PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1/);
      expect(await p.count('ts_snapshot')).toBe(10);
      await p.run('snapshot', '--vars', 'seed_name: added');
      expect(await p.count('ts_snapshot')).toBe(20);
      await p.sql(`update "${p.schema}"."added" set some_date = some_date + interval '1 hour' where id > 10 and id < 21`);
      await p.run('snapshot', '--vars', 'seed_name: added');
      expect(await p.count('ts_snapshot')).toBe(30);
      await p.sql(`update "${p.schema}"."added" set name = name || '_updated' where id < 11`);
      await p.run('snapshot', '--vars', 'seed_name: added');
      // the timestamp did not change: no new versions
      expect(await p.count('ts_snapshot')).toBe(30);
      removeDir(p.dir);
    });

    for (const mode of ['timestamp', 'check'] as const) {
      it(`BaseSnapshotNewRecord${mode === 'timestamp' ? 'Timestamp' : 'Check'}Mode: hard_deletes new_record`, async () => {
        const timestampModule = pythonConstants(`${SIMPLE}/new_record_timestamp_mode.py`);
        const modeModule = mode === 'timestamp' ? timestampModule : pythonConstants(`${SIMPLE}/new_record_check_mode.py`);
        const p = project('snapshot_new_record', {
          'snapshots/snapshot.sql': timestampModule._snapshot_actual_sql as string,
          'models/snapshots.yml': modeModule._snapshots_yml as string,
          'models/ref_snapshot.sql': modeModule._ref_snapshot_sql as string,
        });
        const format = p.format;
        const statementsOf = (name: string) => timestampModule[name] as string[];
        for (const statement of statementsOf('_seed_new_record_mode_statements')) await p.sql(format(statement));
        await p.run('snapshot');
        for (const statement of statementsOf('_invalidate_sql_statements')) await p.sql(format(statement));
        await p.sql(format(timestampModule._update_sql as string));
        await p.run('snapshot');
        if (mode === 'timestamp') {
          // check_relations_equal(snapshot_actual, snapshot_expected): the same rows, every column.
          const columns = 'id, first_name, last_name, email, gender, ip_address, updated_at, dbt_valid_from, dbt_valid_to, dbt_scd_id, dbt_updated_at, dbt_is_deleted';
          const diff = await p.sql(
            `(select ${columns} from "${p.schema}".snapshot_actual except select ${columns} from "${p.schema}".snapshot_expected) union all (select ${columns} from "${p.schema}".snapshot_expected except select ${columns} from "${p.schema}".snapshot_actual)`,
          );
          expect(diff).toEqual([]);
          expect(await p.count('snapshot_actual')).toBe(31);
        }

        await p.sql(format(timestampModule._delete_sql as string));
        await p.run('snapshot');
        const deleteCheck = format(timestampModule._delete_check_sql as string);
        let rows = await p.sql(deleteCheck);
        expect(rows).toHaveLength(2);
        expect(rows.filter((row) => row.dbt_valid_to === null && row.dbt_scd_id !== null && row.dbt_is_deleted === 'True')).toHaveLength(1);
        expect(rows.filter((row) => row.dbt_valid_to !== null && row.dbt_scd_id !== null && row.dbt_is_deleted === 'False')).toHaveLength(1);
        expect(rows[0].dbt_scd_id).not.toBe(rows[1].dbt_scd_id);

        await p.run('snapshot');
        expect(await p.sql(deleteCheck)).toHaveLength(2);

        await p.sql(format(timestampModule._reinsert_sql as string));
        await p.run('snapshot');
        expect(await p.sql(format(timestampModule._reinsert_check_sql as string))).toHaveLength(3);

        await p.sql(format(timestampModule._delete_sql as string));
        await p.run('snapshot');
        expect(await p.sql(deleteCheck)).toHaveLength(4);
        await p.run('snapshot');
        rows = await p.sql(deleteCheck);
        expect(rows).toHaveLength(4);
        // ref() to the snapshot builds the model on it.
        const built = await p.run('run');
        expect(built.stdout).toMatch(/PASS=1 /);
        expect(Number((await p.sql(`select count(*) as n from "${p.schema}".ref_snapshot`))[0].n)).toBe(await p.count('snapshot_actual'));
        removeDir(p.dir);
      });
    }

    // simple_snapshot/test_various_configs.py and new_record_dbt_valid_to_current.py
    const fixtures = () => pythonStrings(`${SIMPLE}/fixtures.py`);
    const renamed = '  +snapshot_meta_column_names:\n    dbt_valid_to: test_valid_to\n    dbt_valid_from: test_valid_from\n    dbt_scd_id: test_scd_id\n    dbt_updated_at: test_updated_at\n';

    for (const variant of ['BaseSnapshotColumnNames', 'BaseSnapshotColumnNamesFromDbtProject'] as const) {
      it(`${variant}: snapshot_meta_column_names ${variant === 'BaseSnapshotColumnNames' ? 'in YAML' : 'in the project file'}`, async () => {
        const f = fixtures();
        const fromProject = variant === 'BaseSnapshotColumnNamesFromDbtProject';
        const p = project(
          'test',
          { 'snapshots/snapshot.sql': f.snapshot_actual_sql, 'models/snapshots.yml': fromProject ? f.snapshots_no_column_names_yml : f.snapshots_yml, 'models/ref_snapshot.sql': f.ref_snapshot_sql },
          fromProject ? `snapshots:\n  test:\n${renamed.replace(/^/gm, '  ').trimEnd()}\n` : '',
        );
        for (const name of ['create_seed_sql', 'create_snapshot_expected_sql', 'seed_insert_sql', 'populate_snapshot_expected_sql']) await p.sql(p.format(f[name]));
        expect((await p.run('snapshot')).stdout).toMatch(/TOTAL=1/);
        await p.sql(p.format(f.invalidate_sql));
        await p.sql(p.format(f.update_sql));
        expect((await p.run('snapshot')).stdout).toMatch(/TOTAL=1/);
        await p.relationsEqual('snapshot_actual', 'snapshot_expected');
        removeDir(p.dir);
      });
    }

    it('BaseSnapshotInvalidColumnNames: changing snapshot_meta_column_names afterwards is refused', async () => {
      const f = fixtures();
      const p = project(
        'test',
        { 'snapshots/snapshot.sql': f.snapshot_actual_sql, 'models/snapshots.yml': f.snapshots_no_column_names_yml, 'models/ref_snapshot.sql': f.ref_snapshot_sql },
        `snapshots:\n  test:\n${renamed.replace(/^/gm, '  ').trimEnd()}\n`,
      );
      for (const name of ['create_seed_sql', 'create_snapshot_expected_sql', 'seed_insert_sql', 'populate_snapshot_expected_sql']) await p.sql(p.format(f[name]));
      expect((await p.run('snapshot')).stdout).toMatch(/TOTAL=1/);
      const manifest = JSON.parse(readFileSync(join(p.dir, 'target/manifest.json'), 'utf8')) as { nodes: Record<string, { config: Record<string, unknown> }> };
      expect(manifest.nodes['snapshot.test.snapshot_actual'].config.snapshot_meta_column_names).toEqual({
        dbt_valid_to: 'test_valid_to',
        dbt_valid_from: 'test_valid_from',
        dbt_scd_id: 'test_scd_id',
        dbt_updated_at: 'test_updated_at',
      });
      await p.sql(p.format(f.invalidate_sql));
      await p.sql(p.format(f.update_sql));
      writeFile(
        p.dir,
        'dbt_project.yml',
        'name: test\nprofile: test\nconfig-version: 2\nsnapshots:\n  test:\n    +snapshot_meta_column_names:\n      dbt_valid_to: test_valid_to\n      dbt_updated_at: test_updated_at\n',
      );
      const failed = await p.invoke(['snapshot']);
      expect(failed.code).toBe(1);
      // dbt: "Snapshot target is missing configured columns"
      expect(failed.stdout).toMatch(/ERROR snapshotting/);
      expect(failed.stdout).toMatch(/snapshot_actual has no dbt_scd_id, dbt_valid_from columns, so it is not a snapshot table of this config/);
      const results = JSON.parse(readFileSync(join(p.dir, 'target/run_results.json'), 'utf8')) as { results: Array<{ error_code?: string }> };
      expect(results.results[0].error_code).toBe('KPI_SNAPSHOT_INVALID');
      removeDir(p.dir);
    });

    it('BaseSnapshotDbtValidToCurrent: dbt_valid_to_current', async () => {
      const f = fixtures();
      const p = project('test', { 'snapshots/snapshot.sql': f.snapshot_actual_sql, 'models/snapshots.yml': f.snapshots_valid_to_current_yml, 'models/ref_snapshot.sql': f.ref_snapshot_sql });
      for (const name of ['create_seed_sql', 'create_snapshot_expected_sql', 'seed_insert_sql', 'populate_snapshot_expected_valid_to_current_sql']) await p.sql(p.format(f[name]));
      expect((await p.run('snapshot')).stdout).toMatch(/TOTAL=1/);
      const read = () => p.sql(p.format('select id, test_scd_id, test_valid_to::text as test_valid_to from {schema}.snapshot_actual'));
      const original = await read();
      expect(original[0].test_valid_to).toBe('2099-12-31 00:00:00');
      expect(original[9].test_valid_to).toBe('2099-12-31 00:00:00');
      await p.sql(p.format(f.invalidate_sql));
      await p.sql(p.format(f.update_with_current_sql));
      expect((await p.run('snapshot')).stdout).toMatch(/TOTAL=1/);
      const updated = await read();
      expect(updated[0].test_valid_to).toBe('2099-12-31 00:00:00');
      expect(updated[9].test_valid_to).toBe('2016-08-20 16:44:49');
      expect(updated[20].test_valid_to).toBe('2099-12-31 00:00:00');
      await p.relationsEqual('snapshot_actual', 'snapshot_expected');
      removeDir(p.dir);
    });

    it('BaseSnapshotMultiUniqueKey: a YAML snapshot with relation: and a composite key', async () => {
      const f = fixtures();
      const p = project('test', { 'models/seed.sql': f.model_seed_sql, 'models/snapshots.yml': f.snapshots_multi_key_yml, 'models/ref_snapshot.sql': f.ref_snapshot_sql });
      for (const name of ['create_multi_key_seed_sql', 'create_multi_key_snapshot_expected_sql', 'seed_multi_key_insert_sql', 'populate_multi_key_snapshot_expected_sql'])
        await p.sql(p.format(f[name]));
      // ref('seed') names the table the fixture made (the model `seed` is never run, as in dbt's test).
      expect((await p.run('snapshot')).stdout).toMatch(/TOTAL=1/);
      await p.sql(p.format(f.invalidate_multi_key_sql));
      await p.sql(p.format(f.update_multi_key_sql));
      expect((await p.run('snapshot')).stdout).toMatch(/TOTAL=1/);
      await p.relationsEqual('snapshot_actual', 'snapshot_expected');
      removeDir(p.dir);
    });

    it('BaseSnapshotNewRecordDbtValidToCurrent: a deleted row is not marked deleted twice', async () => {
      const m = pythonConstants(`${SIMPLE}/new_record_dbt_valid_to_current.py`);
      const p = project('test', { 'snapshots/snapshot.sql': m._snapshot_actual_sql as string, 'models/snapshots.yml': m._snapshots_yml as string });
      for (const statement of m._seed_new_record_mode_statements as string[]) await p.sql(p.format(statement));
      await p.run('snapshot');
      await p.sql(p.format(m._delete_sql as string));
      await p.run('snapshot');
      await p.run('snapshot');
      expect(await p.sql(p.format(m._delete_check_sql as string))).toHaveLength(1);
      removeDir(p.dir);
    });

    // simple_snapshot/test_snapshot.py: BaseSimpleSnapshot and BaseSnapshotCheck, their common.py helpers as the SQL they issue.
    const MODEL_FACT_SQL = '{{ config(materialized="table") }}\nselect * from {{ ref(\'seed\') }}\nwhere id between 1 and 20\n';
    const CASES: Array<{ snapshot: 'SNAPSHOT_TIMESTAMP_SQL' | 'SNAPSHOT_CHECK_SQL'; name: string; steps: string[]; runs?: number; current: number[]; closed: number[]; between?: string[] }> = [
      {
        snapshot: 'SNAPSHOT_TIMESTAMP_SQL',
        name: 'test_updates_are_captured_by_snapshot',
        steps: ["update {fact} set updated_at = updated_at + interval '1 day' where id between 16 and 20"],
        current: range(1, 21),
        closed: range(16, 21),
      },
      {
        snapshot: 'SNAPSHOT_TIMESTAMP_SQL',
        name: 'test_inserts_are_captured_by_snapshot',
        steps: ['insert into {fact} select * from {seed} where id between 21 and 30'],
        current: range(1, 31),
        closed: [],
      },
      { snapshot: 'SNAPSHOT_TIMESTAMP_SQL', name: 'test_deletes_are_captured_by_snapshot', steps: ['delete from {fact} where id between 16 and 20'], current: range(1, 16), closed: range(16, 21) },
      {
        snapshot: 'SNAPSHOT_TIMESTAMP_SQL',
        name: 'test_revives_are_captured_by_snapshot',
        steps: ['delete from {fact} where id between 16 and 20'],
        between: ['insert into {fact} select * from {seed} where id between 16 and 18'],
        current: range(1, 19),
        closed: range(16, 21),
      },
      {
        snapshot: 'SNAPSHOT_TIMESTAMP_SQL',
        name: 'test_new_column_captured_by_snapshot',
        steps: [
          'alter table {fact} add column full_name varchar(200) default null',
          "update {fact} set full_name = first_name || ' ' || last_name, updated_at = updated_at + interval '1 day' where id between 11 and 20",
        ],
        current: range(1, 21),
        closed: range(11, 21),
      },
      {
        snapshot: 'SNAPSHOT_CHECK_SQL',
        name: 'test_column_selection_is_reflected_in_snapshot',
        steps: ['update {fact} set last_name = left(last_name, 3) where id between 1 and 10', 'update {fact} set email = left(email, 3) where id between 6 and 15'],
        current: range(1, 21),
        closed: range(6, 16),
      },
    ];
    function range(from: number, to: number): number[] {
      return Array.from({ length: to - from }, (_, index) => from + index);
    }
    for (const base of ['SNAPSHOT_TIMESTAMP_SQL', 'SNAPSHOT_CHECK_SQL'] as const) {
      it(`${base === 'SNAPSHOT_TIMESTAMP_SQL' ? 'BaseSimpleSnapshot' : 'BaseSnapshotCheck'}: ${CASES.filter((c) => c.snapshot === base)
        .map((c) => c.name)
        .join(', ')}`, async () => {
        const p = project('test', {
          'seeds/seed.csv': pythonStrings(`${SIMPLE}/seeds.py`).SEED_CSV,
          'models/fact.sql': MODEL_FACT_SQL,
          'snapshots/snapshot.sql': pythonStrings(`${SIMPLE}/snapshots.py`)[base],
        });
        await p.run('seed');
        const names = (text: string) => text.replaceAll('{fact}', `"${p.schema}".fact`).replaceAll('{seed}', `"${p.schema}".seed`);
        for (const testCase of CASES.filter((c) => c.snapshot === base)) {
          // _setup_method: fact from the first 20 seed rows, then a snapshot.
          await p.sql(names('drop table if exists {fact}; create table {fact} as select * from {seed} where id between 1 and 20'));
          await p.run('snapshot');
          await p.sql(names(testCase.steps.join(';\n')));
          await p.run('snapshot');
          if (testCase.between) {
            await p.sql(names(testCase.between.join(';\n')));
            await p.run('snapshot');
          }
          // _assert_results: every (id, is_current) of the snapshot is expected.
          const records = await p.sql(`select id, dbt_valid_to is null as is_current from "${p.schema}".snapshot`);
          const expected = new Set([...testCase.current.map((id) => `${id}:true`), ...testCase.closed.map((id) => `${id}:false`)]);
          const unexpected = records.map((record) => `${String(record.id)}:${String(record.is_current)}`).filter((key) => !expected.has(key));
          expect(unexpected, testCase.name).toEqual([]);
          // (more than dbt checks: every expected one is there too)
          expect(new Set(records.map((record) => `${String(record.id)}:${String(record.is_current)}`)), testCase.name).toEqual(expected);
          // teardown: delete the snapshot's and the fact's records.
          await p.sql(names(`delete from "${p.schema}".snapshot; delete from {fact}`));
        }
        removeDir(p.dir);
      });
    }

    // simple_snapshot/test_ephemeral_snapshot_hard_deletes.py: a YAML snapshot of an ephemeral model, new_record, a column added.
    const EPHEMERAL = [
      { name: 'BaseSnapshotEphemeralHardDeletes', yml: '_snapshots_yml', delete: false, rows: [3, null] },
      { name: 'BaseSnapshotNewColumnTimestampStrategy', yml: '_snapshots_timestamp_yml', delete: false, rows: [null, null] },
      { name: 'BaseSnapshotNewColumnSpecificCheckCols', yml: '_snapshots_specific_check_cols_yml', delete: false, rows: [null, null] },
      { name: 'BaseSnapshotNewColumnWithDeletes', yml: '_snapshots_yml', delete: true, rows: [null, 6] },
    ] as const;
    for (const variant of EPHEMERAL) {
      it(`${variant.name}: a snapshot of an ephemeral model, hard_deletes new_record, the source gains a column`, async () => {
        const m = pythonConstants(`${SIMPLE}/test_ephemeral_snapshot_hard_deletes.py`);
        const p = project('test', {
          'models/_sources.yml': m._sources_yml as string,
          'models/ephemeral_customers.sql': m._ephemeral_customers_sql as string,
          'models/snapshots.yml': m[variant.yml] as string,
          'models/ref_snapshot.sql': m._ref_snapshot_sql as string,
        });
        await p.sql(p.format(m._source_create_sql as string));
        await p.sql(p.format(m._source_insert_sql as string));
        expect((await p.run('snapshot')).stdout).toMatch(/TOTAL=1/);
        if (variant.rows[0] !== null) expect(await p.count('snapshot_customers')).toBe(variant.rows[0]);
        await p.sql(p.format(m._source_alter_sql as string));
        if (variant.delete) await p.sql(p.format(m._source_delete_sql as string));
        expect((await p.run('snapshot')).stdout).toMatch(/PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1/);
        if (variant.rows[1] !== null) expect(await p.count('snapshot_customers')).toBe(variant.rows[1]);
        removeDir(p.dir);
      });
    }
  });
}
