/**
 * dbt's adapter conformance tests for snapshots, through the kpi binary on both databases:
 * dbt-tests-adapter `basic/test_snapshot_check_cols.py`, `basic/test_snapshot_timestamp.py`
 * and `simple_snapshot/new_record_timestamp_mode.py` (with `new_record_check_mode.py`).
 * Fixtures are read unchanged from the pinned tarball; the steps and expected counts are
 * those of the Python tests. dbt's `update_rows` helper is the SQL it generates on Postgres
 * (`timestamp_add_sql`: `+ interval '1 hour'`, `string_add_sql`: `|| 'value'`).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteAdapter } from '../../src/adapters/pglite/pglite-adapter.js';
import { basicFiles, pythonConstants } from '../helpers/dbt-adapter-tests.js';
import { kpi, profileYaml } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase, uniqueSchema, type DatabaseKind, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

const SIMPLE = 'dbt-tests-adapter/src/dbt/tests/adapter/simple_snapshot';

/** Run SQL on the project's database between kpi invocations (the embedded one is opened on its data directory). */
async function runSql(kind: DatabaseKind, db: TestDatabase | undefined, dir: string, sql: string): Promise<Array<Record<string, unknown>>> {
  if (kind === 'postgres') return (db as TestDatabase).query(sql);
  const adapter = await PgliteAdapter.open({ dataDir: join(dir, '.kpi/pglite'), lock: { wait: true } });
  try {
    return await adapter.withConnection(async (connection) => (await connection.query(sql)).rows);
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

    const project = (name: string, files: Record<string, string>) => {
      const schema = db ? db.target().schema : uniqueSchema();
      const dir = makeProject({ 'dbt_project.yml': `name: ${name}\nprofile: test\nconfig-version: 2\n`, 'profiles.yml': profileYaml('test', kind, schema), ...files });
      const run = async (...args: string[]) => {
        const result = await kpi(args, { cwd: dir, env: { DBT_PROFILES_DIR: dir } });
        expect(result.stderr).toBe('');
        expect(result.code, result.stdout).toBe(0);
        return result;
      };
      const sql = (text: string) => runSql(kind, db, dir, text);
      const count = async (relation: string) => Number((await sql(`select count(*) as num_rows from "${schema}"."${relation}"`))[0].num_rows);
      return { dir, schema, run, sql, count };
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
        const database = kind === 'pglite' ? 'postgres' : new URL(process.env.KPI_TEST_PG_URL as string).pathname.slice(1);
        const format = (text: string) => text.replaceAll('{database}', database).replaceAll('{schema}', p.schema);
        const statementsOf = (name: string) => timestampModule[name] as string[];
        await p.sql(`create schema if not exists "${p.schema}"`);
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
  });
}
