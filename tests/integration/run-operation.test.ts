import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOperation } from '../../src/api.js';
import { KpiError } from '../../src/errors.js';
import { kpi, profileYaml } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase, uniqueSchema, type TestDatabase } from '../helpers/databases.js';
import { eventLog } from '../helpers/events.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

const MACROS = {
  'macros/operations.sql': `{% macro make_numbers(table_name, rows=2) %}
  {% do adapter.create_schema(api.Relation.create(database=target.database, schema=target.schema)) %}
  {% do run_query('create table ' ~ adapter.quote(target.schema) ~ '.' ~ adapter.quote(table_name) ~ ' as select generate_series(1, ' ~ rows ~ ') as n') %}
  {% do log('made ' ~ table_name ~ ' with ' ~ rows ~ ' rows', info=True) %}
  {% do log('a debug line') %}
{% endmacro %}
{% macro divide_by_zero() %}{% do run_query('select 1 / 0') %}{% endmacro %}`,
  // A package's macro, called as package.name (or by its bare name, as dbt finds it in any package).
  'dbt_packages/helpers/dbt_project.yml': 'name: helpers\nconfig-version: 2\n',
  'dbt_packages/helpers/macros/shout.sql': "{% macro shout(word, times=1) %}{% do log((word | upper) ~ '!' * times, info=True) %}{% endmacro %}",
};

async function failure(promise: Promise<unknown>): Promise<KpiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(KpiError);
  return error as KpiError;
}

for (const kind of databaseKinds()) {
  describe(`kpi run-operation on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('calls a macro with --args as YAML keyword arguments: its statements run and stay, its info log lines are printed', async () => {
      const dir = makeProject({ 'kpi_project.yml': 'name: ops\n', ...MACROS });
      const target = db.target();
      const log = eventLog();
      const result = await runOperation({ projectDir: dir, targetConfig: target, adapter: db.adapter, macro: 'make_numbers', args: '{table_name: made_by_op, rows: 3}', onEvent: log.onEvent });
      expect(result.unique_id).toBe('macro.ops.make_numbers');
      expect(await db.query(`select count(*)::int as n, sum(n)::int as total from "${target.schema}".made_by_op`)).toEqual([{ n: 3, total: 6 }]);
      const lines = log.events.flatMap((event) => (event.type === 'log' ? [[event.level, event.message]] : []));
      expect(lines).toContainEqual(['info', 'made made_by_op with 3 rows']);
      // log() without info=True is dbt's debug-only line.
      expect(lines).toContainEqual(['debug', 'a debug line']);

      const shouted = eventLog();
      await runOperation({ projectDir: dir, targetConfig: target, adapter: db.adapter, macro: 'helpers.shout', args: { word: 'hi', times: 2 }, onEvent: shouted.onEvent });
      await runOperation({ projectDir: dir, targetConfig: target, adapter: db.adapter, macro: 'shout', args: '{word: bare}', onEvent: shouted.onEvent });
      expect(shouted.events.flatMap((event) => (event.type === 'log' && event.level === 'info' ? [event.message] : []))).toEqual(['HI!!', 'BARE!']);
      removeDir(dir);
    });

    it('fails with KPI_OPERATION_FAILED (exit 1) when the macro fails or does not exist, and KPI_USAGE (exit 2) on bad --args', async () => {
      const dir = makeProject({ 'kpi_project.yml': 'name: ops\n', ...MACROS });
      const options = { projectDir: dir, targetConfig: db.target(), adapter: db.adapter };
      const failed = await failure(runOperation({ ...options, macro: 'divide_by_zero' }));
      expect(failed.code).toBe('KPI_OPERATION_FAILED');
      expect(failed.exitCode).toBe(1);
      expect(failed.message).toMatch(/^run-operation divide_by_zero failed \(KPI_DATABASE_ERROR\): .*division by zero/);
      const unknown = await failure(runOperation({ ...options, macro: 'make_number' }));
      expect(unknown.code).toBe('KPI_OPERATION_FAILED');
      expect(unknown.message).toBe("there is no macro named 'make_number' in the project or its packages. Did you mean 'make_numbers'?");
      const badArgs = await failure(runOperation({ ...options, macro: 'make_numbers', args: '{table_name: [' }));
      expect(badArgs.code).toBe('KPI_USAGE');
      expect(badArgs.exitCode).toBe(2);
      const notMapping = await failure(runOperation({ ...options, macro: 'make_numbers', args: '[1, 2]' }));
      expect(notMapping.message).toBe('--args must be a YAML mapping of argument names to values');
      removeDir(dir);
    });

    it('leaves one result in target/run_results.json, as dbt does: success, or error with the message', async () => {
      const dir = makeProject({ 'kpi_project.yml': 'name: ops\n', ...MACROS });
      const options = { projectDir: dir, targetConfig: db.target(), adapter: db.adapter };
      const runResults = () => JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
      await runOperation({ ...options, macro: 'make_numbers', args: { table_name: 'for_results' } });
      const ran = runResults();
      expect(ran.args).toMatchObject({ which: 'run-operation', macro: 'make_numbers' });
      expect(ran.results).toHaveLength(1);
      expect(ran.results[0]).toMatchObject({ unique_id: 'macro.ops.make_numbers', status: 'success', failures: 0, message: null });
      expect(ran.results[0].timing.map((phase: { name: string }) => phase.name)).toEqual(['compile', 'execute']);
      await failure(runOperation({ ...options, macro: 'divide_by_zero' }));
      const failed = runResults();
      expect(failed.results).toHaveLength(1);
      expect(failed.results[0]).toMatchObject({ unique_id: 'macro.ops.divide_by_zero', status: 'error', failures: 1 });
      expect(failed.results[0].message).toMatch(/division by zero/);
      removeDir(dir);
    });

    it('runs from the binary: the log lines on stdout, exit 0, 1 on failure, and it is in --help', async () => {
      const schema = kind === 'postgres' ? db.target().schema : uniqueSchema();
      const dir = makeProject({ 'kpi_project.yml': 'name: ops\nprofile: ops\n', 'profiles.yml': profileYaml('ops', kind, schema), ...MACROS });
      const env = { DBT_PROFILES_DIR: dir };
      const made = await kpi(['run-operation', 'make_numbers', '--args', '{table_name: from_cli, rows: 4}'], { cwd: dir, env });
      expect(made.stderr).toBe('');
      expect(made.code).toBe(0);
      expect(made.stdout).toContain('made from_cli with 4 rows');
      expect(made.stdout).not.toContain('a debug line');
      const failed = await kpi(['run-operation', 'divide_by_zero'], { cwd: dir, env });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/KPI_OPERATION_FAILED: .*run-operation divide_by_zero failed \(KPI_DATABASE_ERROR\)/);
      const help = await kpi(['--help'], { cwd: dir });
      expect(help.stdout).toMatch(/run-operation \[options\] <macro>/);
      removeDir(dir);
    });
  });
}
