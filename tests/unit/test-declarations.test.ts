import { describe, expect, it } from 'vitest';
import { compile, parse } from '../../src/api.js';
import { eventLog } from '../helpers/events.js';
import { KpiError } from '../../src/errors.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

const target = { type: 'pglite' as const, name: 'dev', profileName: 'test', schema: 'sandbox', threads: 1, path: null };

/** Parse a project whose models/schema.yml declares `tests` on orders.status; the error it stops with. */
async function parseError(tests: string, extra: Record<string, string> = {}): Promise<KpiError> {
  const dir = makeProject({
    'kpi_project.yml': 'name: bad\n',
    'models/orders.sql': "select 1 as order_id, 'placed' as status, 1 as customer_id",
    'models/customers.sql': 'select 1 as customer_id',
    'models/schema.yml': `version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: status\n        tests:\n${tests}`,
    ...extra,
  });
  try {
    const error = await parse({ projectDir: dir, targetConfig: target }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(KpiError);
    return error as KpiError;
  } finally {
    removeDir(dir);
  }
}

describe('bad test declarations', () => {
  it('name an unknown test with a suggestion and the YAML line', async () => {
    // The entry sits on line 8 of models/schema.yml.
    const unknown = await parseError('          - not_null\n          - uniqe\n');
    expect(unknown).toMatchObject({ code: 'KPI_TEST_INVALID', location: { file: 'models/schema.yml', line: 8 } });
    expect(unknown.message).toBe("there is no test named 'uniqe'. Did you mean 'unique'?");
    expect(unknown.hint).toMatch(/accepted_values, .*not_null.*relationships.*unique/);

    const namespaced = await parseError('          - dbt_utils.expresion_is_true:\n              expression: "1 = 1"\n');
    expect(namespaced.message).toBe("there is no test named 'dbt_utils.expresion_is_true'. Did you mean 'dbt_utils.expression_is_true'?");
  });

  it('report missing arguments, bad configs and bad shapes where they are written', async () => {
    const cases: Array<{ tests: string; code: string; message: RegExp; line: number; hint?: RegExp }> = [
      { tests: '          - not_null:\n              severity: fatal\n', code: 'KPI_TEST_INVALID', message: /severity must be 'error' or 'warn', not 'fatal'/, line: 7 },
      { tests: '          - not_null:\n              config:\n                severty: warn\n', code: 'KPI_CONFIG_UNKNOWN_KEY', message: /Did you mean 'severity'/, line: 7 },
      { tests: '          - not_null:\n              config:\n                limit: many\n', code: 'KPI_TEST_INVALID', message: /limit must be a whole number/, line: 7 },
      { tests: '          - not_null:\n              config: warn\n', code: 'KPI_TEST_INVALID', message: /'config' of test 'not_null' must be a mapping of configs, not "warn"/, line: 7 },
      {
        tests: '          - accepted_values:\n            values: [a]\n',
        code: 'KPI_TEST_INVALID',
        message: /exactly one key, the test's name; this one has 2 \(accepted_values, values\)/,
        line: 7,
        hint: /indent the arguments under the test name/,
      },
      { tests: '          - unique:\n              model: orders\n', code: 'KPI_TEST_INVALID', message: /argument named 'model', which is reserved/, line: 7 },
      {
        tests: "          - relationships:\n              to: ref('customerz')\n              field: customer_id\n",
        code: 'KPI_REF_NOT_FOUND',
        message: /refers to 'customerz', which does not exist\. Did you mean 'customers'\?/,
        line: 7,
      },
      { tests: '          - unique\n          - unique\n', code: 'KPI_DUPLICATE_NODE', message: /two tests are named 'unique_orders_status'/, line: 8 },
    ];
    for (const testCase of cases) {
      const error = await parseError(testCase.tests);
      expect(error.code, testCase.tests).toBe(testCase.code);
      expect(error.message, testCase.tests).toMatch(testCase.message);
      expect(error.location, testCase.tests).toMatchObject({ file: 'models/schema.yml', line: testCase.line });
      if (testCase.hint) expect(error.hint).toMatch(testCase.hint);
    }
  });

  it('reports every bad test of a file at once, each where it is written', async () => {
    const error = await parseError('          - uniqe\n          - not_null:\n              severity: fatal\n');
    expect(error).toMatchObject({ code: 'KPI_TEST_INVALID', location: { file: 'models/schema.yml', line: 7, column: 13 } });
    expect(error.message.split('\n')).toEqual([
      "there is no test named 'uniqe'. Did you mean 'unique'?",
      "KPI_TEST_INVALID: models/schema.yml:8:13: test 'not_null_orders_status': severity must be 'error' or 'warn', not 'fatal'",
    ]);
  });

  it('asks for a column when a column test is declared on a model', async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: bad\n',
      'models/orders.sql': 'select 1 as id',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    tests:\n      - not_null\n',
    });
    const error = (await parse({ projectDir: dir, targetConfig: target }).catch((caught: unknown) => caught)) as KpiError;
    expect(error).toMatchObject({ code: 'KPI_TEST_INVALID', location: { file: 'models/schema.yml', line: 5 } });
    expect(error.message).toMatch(/test 'not_null' checks a column: list it under a column's tests, or give it column_name/);
    removeDir(dir);
  });
});

describe('arguments a test leaves out', () => {
  it("are the macro's default when it has one, and undefined (empty when printed) when not, as in dbt, with a warning", async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: args\n',
      'models/orders.sql': "select 1 as order_id, 'placed' as status",
      // As dbt-expectations writes its tests: compare_model falls back to model when not given.
      'macros/same_count.sql':
        "{% test same_count(model, column_name, compare_column, compare_model=None) %}select '{{ compare_column }}' as given, '{{ 'yes' if compare_column is defined else 'no' }}' as defined, '{{ compare_model if compare_model else model }}' = '{{ model }}' as same, '{{ 'yes' if compare_model is none else 'no' }}' as is_none from {{ model }}{% endtest %}",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: status\n        tests:\n          - same_count\n',
    });
    const log = eventLog();
    const compiled = await compile({ projectDir: dir, targetConfig: target, select: ['test_type:generic'], onEvent: log.onEvent });
    // Jinja: an undefined value prints as '' and is not `defined`; the default None is given.
    expect(compiled.map((node) => node.sql.replace(/ from .*/s, ''))).toEqual([expect.stringMatching(/^select '' as given, 'no' as defined, '(.+)' = '\1' as same, 'yes' as is_none$/)]);
    expect(log.diagnostics().map((item) => [item.code, item.severity, item.message, item.location?.line])).toEqual([
      ['KPI_TEST_INVALID', 'warning', "test 'same_count' leaves out the argument 'compare_column', which has no default: it is undefined in the test, as in dbt", 7],
    ]);
    removeDir(dir);
  });
});

describe('test nodes at parse time', () => {
  it('read a rendered config natively, as dbt does: enabled: "{{ target.type in [...] }}" is a boolean', async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: natively\n',
      'models/orders.sql': 'select 1 as id',
      'models/schema.yml': `version: 2
models:
  - name: orders
    columns:
      - name: id
        tests:
          - unique:
              config:
                enabled: "{{ target.type in ['bigquery', 'trino'] }}"
          - not_null:
              config:
                enabled: "{{ target.type not in ['bigquery', 'spark'] }}"
                severity: "{{ 'warn' if target.type in ['spark'] else 'error' }}"
                limit: "{{ 2 + 3 }}"
`,
    });
    const parsed = await parse({ projectDir: dir, targetConfig: target });
    const tests = Object.values(parsed.manifest.nodes).filter((node) => node.resource_type === 'test');
    // target.type is 'postgres': the unique test is off, as dbt leaves it out of the run on Postgres.
    expect(tests.map((node) => node.name)).toEqual(['not_null_orders_id']);
    expect(tests[0].config).toMatchObject({ enabled: true, severity: 'ERROR', limit: 5 });
    expect(Object.keys(parsed.manifest.disabled ?? {})).toEqual([expect.stringMatching(/^test\.natively\.unique_orders_id/)]);
    removeDir(dir);
  });

  it("reads a test path's generic/ and fixtures/ folders as dbt does: not as singular tests", async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: folders\n',
      'models/orders.sql': 'select 1 as id',
      'tests/orders_have_rows.sql': "select 1 from {{ ref('orders') }} having count(*) = 0",
      // A unit test's SQL fixture and a generic test: neither renders as a test of its own.
      'tests/fixtures/orders_fixture.sql': 'select 1 as id union all select {{ not_a_test }}',
      'tests/generic/is_positive.sql': '{% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}',
      // dbt skips only the first level of a test path: deeper fixtures/ folders hold singular tests.
      'tests/more/fixtures/nested_check.sql': "select 1 from {{ ref('orders') }} where id < 0",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        tests: [is_positive]\n',
    });
    const parsed = await parse({ projectDir: dir, targetConfig: target });
    const tests = Object.values(parsed.manifest.nodes).filter((node) => node.resource_type === 'test');
    expect(tests.map((node) => [node.name, node.original_file_path]).sort()).toEqual([
      ['is_positive_orders_id', 'models/schema.yml'],
      ['nested_check', 'tests/more/fixtures/nested_check.sql'],
      ['orders_have_rows', 'tests/orders_have_rows.sql'],
    ]);
    removeDir(dir);
  });

  it('disables tests that are switched off or whose model is, and takes tags and configs from every level', async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: nodes\nmodels:\n  nodes:\n    retired:\n      +enabled: false\ndata_tests:\n  nodes:\n    +tags: [nightly]\n    +store_failures: true\n',
      'models/orders.sql': 'select 1 as id',
      'models/retired/old_orders.sql': 'select 1 as id',
      'models/schema.yml': `version: 2
models:
  - name: orders
    columns:
      - name: id
        tags: [keys]
        tests:
          - unique:
              config:
                tags: [critical]
          - not_null:
              config:
                enabled: false
  - name: old_orders
    columns:
      - name: id
        tests: [unique]
`,
      'tests/orders_have_rows.sql': "{{ config(store_failures=false) }}\nselect 1 from {{ ref('orders') }} having count(*) = 0",
    });
    const parsed = await parse({ projectDir: dir, targetConfig: target });
    const tests = Object.values(parsed.manifest.nodes).filter((node) => node.resource_type === 'test');
    expect(tests.map((node) => node.name).sort()).toEqual(['orders_have_rows', 'unique_orders_id']);
    const unique = tests.find((node) => node.name === 'unique_orders_id');
    expect(unique).toMatchObject({
      tags: ['critical', 'keys', 'nightly'],
      config: { store_failures: true, severity: 'ERROR' },
      schema: 'sandbox_dbt_test__audit',
      alias: 'unique_orders_id',
      relation_name: '"sandbox_dbt_test__audit"."unique_orders_id"',
    });
    // The singular test's own config() wins over the project file.
    expect(tests.find((node) => node.name === 'orders_have_rows')).toMatchObject({ config: { store_failures: false, tags: ['nightly'] }, relation_name: null });
    const disabled = Object.values(parsed.manifest.disabled)
      .flat()
      .map((node) => node.name)
      .sort();
    expect(disabled).toEqual(['not_null_orders_id', 'old_orders', 'unique_old_orders_id']);
    removeDir(dir);
  });
});

describe('a property entry under the wrong section', () => {
  it("as dbt: a seed listed under models: gets the entry's tests, not its other properties, with a warning naming the line", async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: misplaced\n',
      'seeds/base.csv': 'id,name\n1,a\n',
      'models/ghost_free.sql': 'select 1 as id',
      'seeds/schema.yml':
        'version: 2\nmodels:\n  - name: base\n    description: not for the seed\n    columns:\n      - name: id\n        description: nor this\n        data_tests:\n          - not_null\n          - unique\n',
    });
    const log = eventLog();
    const parsed = await parse({ projectDir: dir, targetConfig: target, onEvent: log.onEvent, partialParse: false });
    const seed = parsed.manifest.nodes['seed.misplaced.base'];
    // dbt's NodePatchParser returns before patching: the seed keeps no description or column docs.
    expect(seed.description).toBe('');
    expect(seed.columns.id?.description ?? '').toBe('');
    const tests = Object.values(parsed.manifest.nodes).filter((node) => node.resource_type === 'test');
    expect(tests.map((node) => [node.name, node.attached_node, node.depends_on.nodes])).toEqual([
      ['not_null_base_id', 'seed.misplaced.base', ['seed.misplaced.base']],
      ['unique_base_id', 'seed.misplaced.base', ['seed.misplaced.base']],
    ]);
    expect(log.diagnostics().map((item) => [item.code, item.severity, item.location?.file, item.location?.line])).toEqual([['KPI_CONFIG_INVALID', 'warning', 'seeds/schema.yml', 3]]);
    expect(log.diagnostics()[0].message).toBe("'base' is a seed, but its properties are given under models:; as in dbt, only the entry's data tests are used (on the seed)");
    removeDir(dir);
  });
});
