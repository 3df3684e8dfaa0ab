import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, deps, parse } from '../../src/api.js';
import { KpiError } from '../../src/errors.js';
import { kpi } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { eventLog } from '../helpers/events.js';
import { copyFixture, makeProject, removeDir, writeFile } from '../helpers/fixtures.js';

/** pkg_shop installs kpi_utils (a package written for these tests), which brings kpi_utils_shim. */
function shopWithPackages(): string {
  const dir = copyFixture('pkg_shop');
  // A local package's own build output is not part of it: kpi deps must not copy it.
  writeFile(dir, 'packages/kpi_utils/target/compiled/stale.sql', 'select 1');
  deps({ projectDir: dir });
  return dir;
}

for (const kind of databaseKinds()) {
  describe(`packages on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it("builds a package's models, seeds and tests with the project's target, its macros rendering real SQL", async () => {
      const dir = shopWithPackages();
      const target = db.target();
      const log = eventLog();
      const summary = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter, onEvent: log.onEvent });
      const statuses = Object.fromEntries(summary.results.map((result) => [result.unique_id, result.status]));
      expect(Object.entries(statuses).filter(([, status]) => status !== 'success' && status !== 'pass')).toEqual([['test.pkg_shop.kpi_utils_row_count_between_all_orders_100.cf63da1d06', 'warn']]);
      expect(statuses['model.kpi_utils.pkg_calendar']).toBe('success');
      expect(statuses['test.kpi_utils.not_constant_kpi_pkg_status_summary_label.5801fc334a']).toBe('pass');
      expect(summary.results.find((result) => result.status === 'warn')?.failures).toBe(93);
      expect(log.diagnostics()).toEqual([]);

      // The package's nodes belong to it, take the project's configs over their own, and build in the project's target.
      const manifest = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8'));
      const calendar = manifest.nodes['model.kpi_utils.pkg_calendar'];
      expect(calendar).toMatchObject({
        package_name: 'kpi_utils',
        fqn: ['kpi_utils', 'pkg_calendar'],
        schema: `${target.schema}_utils`,
        original_file_path: 'dbt_packages/kpi_utils/models/pkg_calendar.sql',
      });
      expect(calendar.config.materialized).toBe('table');
      expect(manifest.nodes['model.kpi_utils.pkg_status_summary'].depends_on.nodes).toEqual(['seed.kpi_utils.pkg_status', 'seed.pkg_shop.orders']);
      expect(manifest.nodes['model.kpi_utils.pkg_status_summary'].tags).toEqual(['kpi_utils_marts']);
      expect(manifest.nodes['model.pkg_shop.calendar_usage'].depends_on.nodes).toEqual(['model.kpi_utils.pkg_calendar']);
      expect(manifest.macros['macro.kpi_utils.select_columns'].original_file_path).toBe('dbt_packages/kpi_utils/macros/relations.sql');
      expect(manifest.macros['macro.kpi_utils_shim.postgres__greeting']).toBeDefined();
      expect(existsSync(join(dir, 'dbt_packages/kpi_utils/target'))).toBe(false);

      const relations = await db.query<{ schema: string; name: string; type: string }>(
        `select table_schema as schema, table_name as name, table_type as type from information_schema.tables where table_schema = $1 order by 2`,
        [`${target.schema}_utils`],
      );
      expect(relations).toEqual([
        { schema: `${target.schema}_utils`, name: 'pkg_calendar', type: 'BASE TABLE' },
        { schema: `${target.schema}_utils`, name: 'pkg_status', type: 'BASE TABLE' },
        { schema: `${target.schema}_utils`, name: 'pkg_status_summary', type: 'BASE TABLE' },
      ]);

      const q = (sql: string) => db.query<Record<string, unknown>>(sql.replace(/\$schema/g, `"${target.schema}"`));
      // The project's vars: {kpi_utils: {calendar_end}} beats the package's own var: two weeks, not one.
      expect(await q('select * from $schema.calendar_usage')).toEqual([{ days: 14, first_day: '2024-01-01', last_day: '2024-01-14', weeks: 2 }]);
      expect(await q(`select * from "${target.schema}_utils".pkg_status_summary order by status`)).toEqual([
        { status: 'placed', label: 'Placed', orders: 2 },
        { status: 'returned', label: 'Returned', orders: 1 },
        { status: 'shipped', label: 'Shipped', orders: 2 },
      ]);

      // Introspection: columns of a relation (minus a case-insensitive except list), and an md5 key as the database computes it.
      const orders = await q(`select c.*, md5(coalesce(cast(o.customer_id as text), '_kpi_null_') || '-' || coalesce(cast(o.note as text), '_kpi_null_')) as expected_key
        from $schema.customer_orders c join $schema.orders o using (id) order by id`);
      expect(Object.keys(orders[0])).toEqual(['id', 'customer_id', 'amount', 'ordered_at', 'order_key', 'expected_key']);
      for (const row of orders) expect(row.order_key).toBe(row.expected_key);
      // A statement block's rows as pivot columns; group_by(n).
      expect(await q('select * from $schema.status_pivot order by customer_id')).toEqual([
        { customer_id: 1, n_placed: 1, n_returned: 0, n_shipped: 1 },
        { customer_id: 2, n_placed: 1, n_returned: 0, n_shipped: 0 },
        { customer_id: 3, n_placed: 0, n_returned: 1, n_shipped: 1 },
      ]);
      // Relations found by name pattern in the information schema, unioned over the superset of their columns.
      const union = await q('select _source_relation, count(*)::int as n, count(channel)::int as with_channel, count(ordered_at)::int as with_date from $schema.all_orders group by 1 order by 1');
      expect(union).toEqual([
        { _source_relation: `"${target.schema}"."orders"`, n: 5, with_channel: 0, with_date: 5 },
        { _source_relation: `"${target.schema}"."orders_2023"`, n: 2, with_channel: 2, with_date: 0 },
      ]);
      expect(await q(`select attribute, count(*)::int as n from $schema.customer_values group by 1 order by 1`)).toEqual(
        ['city', 'is_active', 'lat', 'lon', 'name'].map((attribute) => ({ attribute, n: 3 })),
      );
      expect(await q(`select value from $schema.customer_values where attribute = 'is_active' and id = 2`)).toEqual([{ value: 'false' }]);
      // A macro returning a dict of lists, counted with namespace().
      expect(await q('select * from $schema.customer_profile')).toEqual([{ text_columns: 'name,city', number_columns: 'id,lat,lon', other_columns: 1 }]);
      expect(await q('select customer_id, statuses, first_status, some_status, has_big_order, rounded_average from $schema.order_aggregates order by 1')).toEqual([
        { customer_id: 1, statuses: 'placed, shipped', first_status: 'placed', some_status: 'placed', has_big_order: true, rounded_average: '100.0' },
        { customer_id: 2, statuses: 'placed', first_status: 'placed', some_status: 'placed', has_big_order: false, rounded_average: '20.0' },
        { customer_id: 3, statuses: 'returned, shipped', first_status: 'returned', some_status: 'returned', has_big_order: true, rounded_average: '109.8' },
      ]);

      // dbt's cross-database macros, as Postgres answers them; dispatch to the project first, then the shim, then the package.
      const [crossDb] = await q('select * from $schema.cross_db');
      expect(crossDb).toEqual({
        plus_3_days: '2024-03-01 00:00:00',
        plus_quarter: '2024-04-30 00:00:00',
        minus_month: '2024-02-29 00:00:00',
        months_between: 2,
        quarters_between: 1,
        years_between: 0,
        weeks_between: 1,
        days_between: 60,
        hours_between: 23,
        seconds_between: 150,
        month_start: '2024-02-01',
        month_end: '2024-02-29',
        quarter_end: '2024-03-31',
        second_part: 'b',
        last_part: 'c',
        b_position: 2,
        text_length: 4,
        replaced: 'a+b',
        right_two: 'ef',
        concatenated: 'x-y',
        hashed: '56e0292e9c1c9e7a704461bb57c5dfaa',
        cast_int: 43,
        bool_text: 'true',
        quoted: "it's",
        numeric_value: '1.500000',
        bigint_value: 1,
        timestamp_value: '2024-01-01 12:00:00',
        float_value: 1.5,
        boolean_value: true,
        string_value: 'abc',
        int_array: [1, 2],
        appended_array: [1, 2],
        concatenated_array: [1, 3],
        empty_array_size: 0,
        leap_day: '2024-02-29',
        has_current_timestamp: true,
        equal: true,
        series_rows: 10,
        intervals_between: 60,
        month_spine: '01-31 02-29 03-31 04-30',
        except_rows: 5,
        intersect_rows: 2,
        label: 'AB C-0007 (ab_c)',
        slug: '_9_lives_extra',
        greeting: 'shimmed hello, kpi',
        currency: '12.3',
        coalesced: 'third',
      });
      const types = await db.query<{ column_name: string; data_type: string }>(
        `select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = 'cross_db' and column_name like '%\\_value' order by 1`,
        [target.schema],
      );
      expect(types).toEqual([
        { column_name: 'bigint_value', data_type: 'bigint' },
        { column_name: 'boolean_value', data_type: 'boolean' },
        { column_name: 'float_value', data_type: 'double precision' },
        { column_name: 'numeric_value', data_type: 'numeric' },
        { column_name: 'string_value', data_type: 'text' },
        { column_name: 'timestamp_value', data_type: 'timestamp without time zone' },
      ]);
      removeDir(dir);
    });
  });
}

describe('installing packages', () => {
  it('refuses to parse a project whose listed package is not installed, and says to run kpi deps', async () => {
    const dir = copyFixture('pkg_shop');
    const error = await parse({ projectDir: dir, targetConfig: { type: 'pglite', name: 'dev', profileName: 'test', schema: 's', threads: 1, path: null } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KpiError);
    expect((error as KpiError).code).toBe('KPI_PACKAGE_NOT_INSTALLED');
    expect((error as KpiError).message).toBe("package 'kpi_utils' (local: packages/kpi_utils) is not installed in dbt_packages/");
    expect((error as KpiError).location).toEqual({ file: 'packages.yml', line: 2, column: 5 });
    expect((error as KpiError).hint).toBe('run kpi deps');
    removeDir(dir);
  });

  it("gives a package's nodes and macros the root project's name as project_name, as dbt does", async () => {
    const dir = shopWithPackages();
    // dbt-project-evaluator compares a node's package_name with project_name, from its own macros, to find the root project's nodes.
    writeFile(dir, 'dbt_packages/kpi_utils/macros/which_project.sql', '{% macro which_project() %}{{ return(project_name) }}{% endmacro %}');
    writeFile(dir, 'dbt_packages/kpi_utils/models/which_project.sql', '{{ config(tags=[project_name, kpi_utils.which_project()]) }}\nselect 1 as one');
    const parsed = await parse({ projectDir: dir, targetConfig: { type: 'pglite', name: 'dev', profileName: 'test', schema: 's', threads: 1, path: null } });
    expect(parsed.manifest.nodes['model.kpi_utils.which_project'].tags).toEqual(['pkg_shop']);
    removeDir(dir);
  });

  it('cannot download git or hub packages: it says how to vendor them, and uses a vendored copy as installed', () => {
    const dir = copyFixture('pkg_shop');
    writeFileSync(
      join(dir, 'packages.yml'),
      'packages:\n  - local: packages/kpi_utils\n  - git: "https://github.com/example/kpi-extras.git"\n    revision: 1.2.0\n  - package: example/kpi_more\n    version: [">=1.0.0"]\n',
    );
    const error = (() => {
      try {
        deps({ projectDir: dir });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })() as KpiError;
    expect(error.code).toBe('KPI_PACKAGE_UNAVAILABLE');
    // The error is the first problem; its message lists the others, each where it is written.
    expect(error.message).toBe(
      [
        'cannot install git: https://github.com/example/kpi-extras.git: kpi does not download git, hub or tarball packages (there is no network access here)',
        'KPI_PACKAGE_UNAVAILABLE: packages.yml:5:5: cannot install package: example/kpi_more: kpi does not download git, hub or tarball packages (there is no network access here)',
        "  hint: vendor it: copy the example/kpi_more package's source into dbt_packages/kpi_more/ (the folder holding its dbt_project.yml), or list it as {local: <path to a copy>} and run kpi deps",
      ].join('\n'),
    );
    expect(error.location).toEqual({ file: 'packages.yml', line: 3, column: 5 });
    expect(error.hint).toContain('copy a checkout of https://github.com/example/kpi-extras.git at 1.2.0 into dbt_packages/kpi_extras/');
    // The local package was installed before the failure.
    expect(existsSync(join(dir, 'dbt_packages/kpi_utils/dbt_project.yml'))).toBe(true);

    writeFile(dir, 'dbt_packages/kpi_extras/dbt_project.yml', 'name: kpi_extras\nversion: "1.2.0"\nconfig-version: 2\n');
    writeFile(dir, 'dbt_packages/kpi_extras/macros/extra.sql', '{% macro extra() %}1{% endmacro %}');
    writeFile(dir, 'dbt_packages/kpi_more/dbt_project.yml', 'name: kpi_more\nconfig-version: 2\n');
    expect(deps({ projectDir: dir }).map((report) => [report.name, report.action])).toEqual([
      ['kpi_utils', 'installed'],
      ['kpi_extras', 'vendored'],
      ['kpi_more', 'vendored'],
      ['kpi_utils_shim', 'installed'],
    ]);
    removeDir(dir);
  });

  it("installs an integration_tests project's `local: ../` and finds git packages vendored under another name than their repository's", async () => {
    const repo = makeProject({
      'dbt_project.yml': 'name: my_pkg\nconfig-version: 2\n',
      'macros/greet.sql': "{% macro greet() %}'hi'{% endmacro %}",
      'models/pkg_model.sql': 'select 1 as id',
      'integration_tests/dbt_project.yml': 'name: my_pkg_integration_tests\nconfig-version: 2\n',
      'integration_tests/packages.yml': [
        'packages:',
        '  - local: ../',
        '  - git: https://github.com/dbt-labs/dbt-audit-helper.git',
        '    revision: 0.12.0',
        '  - git: git@github.com:acme/analytics-macros.git',
        '',
      ].join('\n'),
      'integration_tests/models/uses.sql': "select {{ my_pkg.greet() }} as g, {{ audit_helper.marker() }} as a, {{ acme_macros.marker() }} as b, id from {{ ref('pkg_model') }}",
      // Vendored as dbt deps would have installed them: the project names are not the repositories'.
      'integration_tests/dbt_packages/audit_helper/dbt_project.yml': 'name: audit_helper\nconfig-version: 2\n',
      'integration_tests/dbt_packages/audit_helper/macros/marker.sql': "{% macro marker() %}'audit'{% endmacro %}",
      'integration_tests/dbt_packages/macros_checkout/dbt_project.yml': 'name: acme_macros\nconfig-version: 2\n',
      'integration_tests/dbt_packages/macros_checkout/macros/marker.sql': "{% macro marker() %}'acme'{% endmacro %}",
      'integration_tests/dbt_packages/macros_checkout/.git/config':
        '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/acme/analytics-macros\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
    });
    const project = join(repo, 'integration_tests');
    for (let run = 0; run < 2; run++) {
      expect(deps({ projectDir: project }).map((report) => [report.name, report.action, report.path])).toEqual([
        ['my_pkg', 'installed', 'dbt_packages/my_pkg'],
        ['audit_helper', 'vendored', 'dbt_packages/audit_helper'],
        ['acme_macros', 'vendored', 'dbt_packages/macros_checkout'],
      ]);
      // The package holds the project installing it: it is linked (as dbt deps links local packages), and a second run keeps its source.
      expect(lstatSync(join(project, 'dbt_packages/my_pkg')).isSymbolicLink()).toBe(true);
      expect(existsSync(join(repo, 'models/pkg_model.sql'))).toBe(true);
    }
    const parsed = await parse({ projectDir: project, targetConfig: { type: 'pglite', name: 'dev', profileName: 'test', schema: 's', threads: 1, path: null } });
    expect(parsed.manifest.nodes['model.my_pkg.pkg_model'].original_file_path).toBe('dbt_packages/my_pkg/models/pkg_model.sql');
    expect(parsed.manifest.nodes['model.my_pkg_integration_tests.uses'].depends_on).toMatchObject({ nodes: ['model.my_pkg.pkg_model'] });
    const binary = await kpi(['deps'], { cwd: project });
    expect(binary.code).toBe(0);
    expect(binary.stdout).toContain('3 packages ready');
    removeDir(repo);
  });

  it('reports a bad packages.yml entry where it is written', () => {
    const dir = copyFixture('pkg_shop');
    writeFileSync(join(dir, 'packages.yml'), 'packages:\n  - local: packages/kpi_utils\n    git: https://example.com/x.git\n  - packages/kpi_utils\n');
    const error = (() => {
      try {
        deps({ projectDir: dir });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })() as KpiError;
    expect(error.code).toBe('KPI_PACKAGE_INVALID');
    expect(error.message).toBe(
      'packages[0] must have exactly one of local, package, git, tarball, private\nKPI_PACKAGE_INVALID: packages.yml:4:5: packages[1] must be a mapping such as {local: ../my_package}',
    );
    expect(error.location).toEqual({ file: 'packages.yml', line: 2, column: 5 });
    removeDir(dir);
  });

  it('runs kpi deps from the binary', async () => {
    const dir = copyFixture('pkg_shop');
    const installed = await kpi(['deps'], { cwd: dir });
    expect(installed.code).toBe(0);
    expect(installed.stdout).toBe(
      'Installed kpi_utils (local: packages/kpi_utils) in dbt_packages/kpi_utils\nInstalled kpi_utils_shim (local: ../kpi_utils_shim) in dbt_packages/kpi_utils_shim\n2 packages ready\n',
    );
    writeFileSync(join(dir, 'packages.yml'), 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n');
    const refused = await kpi(['deps'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('KPI_PACKAGE_UNAVAILABLE: packages.yml:2:5: cannot install package: dbt-labs/dbt_utils');
    expect(refused.stderr).toContain("hint: vendor it: copy the dbt-labs/dbt_utils package's source into dbt_packages/dbt_utils/");
    removeDir(dir);
  });
});
