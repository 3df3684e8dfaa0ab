import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, utimesSync } from 'node:fs';
import { build, docsGenerate, KpiError, list, parse } from '../../src/api.js';
import { DependencyGraph } from '../../src/graph/dependency-graph.js';
import { selectNodes } from '../../src/graph/select-nodes.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import type { DiagnosticsError } from '../../src/support/diagnostics.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { kpi } from '../helpers/cli.js';
import { openDocsPage } from '../helpers/docs-page.js';
import { eventLog } from '../helpers/events.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';

/**
 * dbt's exposures, groups and model access. Expected values are dbt's documentation:
 * docs.getdbt.com/docs/build/exposures (properties, `exposure:` selection, `+exposure:x`),
 * /docs/build/groups, /reference/resource-configs/access (default protected, the
 * "is private to the 'g' group" error), and manifest v12's node fields.
 */
const target: TargetConfig = { type: 'pglite', name: 'dev', profileName: 'test', schema: 'exp', threads: 1, path: null };

const governed = {
  'kpi_project.yml': 'name: shop\nmodels:\n  shop:\n    finance:\n      +group: finance\n',
  'models/stg_orders.sql': "select * from {{ source('raw', 'orders') }}",
  'models/finance/fct_revenue.sql': "select * from {{ ref('stg_orders') }}",
  'models/finance/int_ledger.sql': "select * from {{ ref('stg_orders') }}",
  'models/all_days.sql': 'select current_date as date_day',
  'models/sources.yml': 'sources:\n  - name: raw\n    tables: [{name: orders}]\n',
  'models/groups.yml': [
    'groups:',
    '  - name: finance',
    '    owner: {name: Finance team, email: finance@shop.test}',
    '    description: money',
    '  - name: marketing',
    '    owner: {email: mkt@shop.test}',
    'models:',
    '  - name: fct_revenue',
    '    config: {access: public}',
    '  - name: int_ledger',
    '    access: private',
    '  - name: all_days',
    '    time_spine:',
    '      standard_granularity_column: date_day',
    '',
  ].join('\n'),
  'models/dash/exposures.yml': [
    'exposures:',
    '  - name: weekly_revenue',
    '    label: Weekly revenue',
    '    type: dashboard',
    '    maturity: high',
    '    url: https://bi.shop.test/revenue',
    '    description: Revenue by week',
    '    owner: {name: Dana, email: dana@shop.test}',
    '    tags: [finance]',
    '    config: {meta: {tier: 1}}',
    '    depends_on:',
    "      - ref('fct_revenue')",
    "      - ref('fct_revenue')",
    "      - source('raw', 'orders')",
    "      - metric('revenue')",
    '',
  ].join('\n'),
};

function errorsOf(error: unknown): Array<{ code: string; message: string; where: string }> {
  expect(error).toBeInstanceOf(KpiError);
  const errors = (error as DiagnosticsError).errors ?? [{ code: (error as KpiError).code, message: (error as KpiError).message, location: (error as KpiError).location }];
  return errors.map((item) => ({ code: item.code, message: item.message, where: item.location ? `${item.location.file}:${item.location.line ?? ''}` : '' }));
}

async function parseErrors(files: Record<string, string>): Promise<Array<{ code: string; message: string; where: string }>> {
  const dir = makeProject(files);
  try {
    await parse({ projectDir: dir, targetConfig: target, env: {}, partialParse: false });
  } catch (error) {
    return errorsOf(error);
  } finally {
    removeDir(dir);
  }
  throw new Error('the project parsed without errors');
}

describe('exposures, groups and model access in the manifest', () => {
  it('reads them in dbt manifest v12 shape', async () => {
    const dir = makeProject(governed);
    try {
      const log = eventLog();
      const { manifest } = await parse({ projectDir: dir, targetConfig: target, env: {}, onEvent: log.onEvent });
      expect(manifest.exposures['exposure.shop.weekly_revenue']).toMatchObject({
        unique_id: 'exposure.shop.weekly_revenue',
        resource_type: 'exposure',
        name: 'weekly_revenue',
        package_name: 'shop',
        original_file_path: 'models/dash/exposures.yml',
        path: 'dash/exposures.yml',
        fqn: ['shop', 'dash', 'weekly_revenue'],
        type: 'dashboard',
        label: 'Weekly revenue',
        maturity: 'high',
        url: 'https://bi.shop.test/revenue',
        description: 'Revenue by week',
        owner: { name: 'Dana', email: 'dana@shop.test' },
        tags: ['finance'],
        meta: { tier: 1 },
        config: { enabled: true, tags: ['finance'], meta: { tier: 1 } },
        // A node named twice is one dependency; refs keep what was written.
        depends_on: { nodes: ['model.shop.fct_revenue', 'source.shop.raw.orders'], macros: [] },
        refs: [
          { name: 'fct_revenue', package: null, version: null },
          { name: 'fct_revenue', package: null, version: null },
        ],
        sources: [['raw', 'orders']],
      });
      expect(manifest.groups['group.shop.finance']).toMatchObject({
        name: 'finance',
        resource_type: 'group',
        package_name: 'shop',
        original_file_path: 'models/groups.yml',
        owner: { name: 'Finance team', email: 'finance@shop.test' },
        description: 'money',
      });
      expect(manifest.groups['group.shop.marketing'].owner).toEqual({ name: null, email: 'mkt@shop.test' });

      const node = (name: string) => manifest.nodes[`model.shop.${name}`];
      // access: protected unless said (config, or the older top-level property); group from dbt_project.yml's +group.
      expect([node('stg_orders').access, node('fct_revenue').access, node('int_ledger').access]).toEqual(['protected', 'public', 'private']);
      expect(node('fct_revenue').config.access).toBe('public');
      expect([node('stg_orders').group, node('fct_revenue').group, node('int_ledger').group]).toEqual([null, 'finance', 'finance']);
      expect(node('all_days').time_spine).toEqual({ standard_granularity_column: 'date_day', custom_granularities: [] });
      expect(node('stg_orders').time_spine).toBeNull();

      // Exposures are children in child_map and have their parents in parent_map, as in dbt.
      expect(manifest.parent_map['exposure.shop.weekly_revenue']).toEqual(['model.shop.fct_revenue', 'source.shop.raw.orders']);
      expect(manifest.child_map['model.shop.fct_revenue']).toEqual(['exposure.shop.weekly_revenue']);
      expect(manifest.child_map['exposure.shop.weekly_revenue']).toEqual([]);

      // Exposures and groups are read; a metric a depends_on names is still a warning naming it.
      const unsupported = log
        .diagnostics()
        .filter((warning) => warning.code === 'KPI_RESOURCE_UNSUPPORTED')
        .map((warning) => warning.message);
      expect(unsupported).toEqual(["exposure 'weekly_revenue' depends on metric('revenue'): kpi does not support metrics yet; the dependency is skipped"]);
    } finally {
      removeDir(dir);
    }
  });

  it('selects exposures as dbt ls does: exposure:name, +exposure:name, resource_type:exposure', async () => {
    const dir = makeProject(governed);
    try {
      const options = { projectDir: dir, targetConfig: target, env: {} };
      expect(await list({ ...options, select: ['exposure:weekly_revenue'] })).toEqual(['exposure:shop.dash.weekly_revenue']);
      expect(await list({ ...options, select: ['+exposure:weekly_revenue'] })).toEqual(['source:shop.raw.orders', 'shop.stg_orders', 'shop.finance.fct_revenue', 'exposure:shop.dash.weekly_revenue']);
      expect(await list({ ...options, resourceTypes: ['exposure'] })).toEqual(['exposure:shop.dash.weekly_revenue']);
      expect(await list({ ...options, select: ['resource_type:exposure'], output: 'name' })).toEqual(['weekly_revenue']);
      expect(await list({ ...options, select: ['stg_orders+'], resourceTypes: ['exposure'] })).toEqual(['exposure:shop.dash.weekly_revenue']);
      expect(await list({ ...options, select: ['group:finance'], output: 'name' })).toEqual(['fct_revenue', 'int_ledger']);
      expect(await list({ ...options, select: ['access:public'], output: 'name' })).toEqual(['fct_revenue']);
      await expect(list({ ...options, select: ['exposure:weekly_revenu'] })).rejects.toThrow("Did you mean 'weekly_revenue'?");
    } finally {
      removeDir(dir);
    }
  });

  it('kpi ls lists exposures from the binary, as dbt ls prints them', async () => {
    const dir = makeProject(governed);
    try {
      const byType = await kpi(['ls', '--resource-type', 'exposure'], { cwd: dir });
      expect([byType.code, byType.stdout]).toEqual([0, 'exposure:shop.dash.weekly_revenue\n']);
      const upstream = await kpi(['ls', '-s', '+exposure:weekly_revenue', '--output', 'name'], { cwd: dir });
      expect([upstream.code, upstream.stdout]).toEqual([0, 'orders\nstg_orders\nfct_revenue\nweekly_revenue\n']);
      writeFile(dir, 'models/mkt_report.sql', "{{ config(group='marketing') }}\nselect * from {{ ref('int_ledger') }}");
      const denied = await kpi(['ls'], { cwd: dir });
      expect(denied.code).toBe(2);
      expect(denied.stderr).toMatch(
        /^KPI_ACCESS_DENIED: models\/mkt_report\.sql:2:\d+: Node model\.shop\.mkt_report attempted to reference node model\.shop\.int_ledger, which is not allowed because the referenced node is private to the 'finance' group\./,
      );
    } finally {
      removeDir(dir);
    }
  });

  it('the docs site lists an exposure with its owner and what it depends on, and its selector box agrees with kpi ls', async () => {
    const dir = makeProject(governed);
    try {
      const { manifest } = await parse({ projectDir: dir, targetConfig: target, env: {} });
      const result = await docsGenerate({ projectDir: dir, targetConfig: target, env: {}, compile: false, emptyCatalog: true });
      const page = openDocsPage(readFileSync(join(dir, result.sitePath), 'utf8'));
      expect(page.sidebar).toContain('Exposures');
      expect(page.data.nodes['exposure.shop.weekly_revenue']).toMatchObject({ type: 'exposure', label: 'Weekly revenue' });
      expect(page.data.edges).toContainEqual(['model.shop.fct_revenue', 'exposure.shop.weekly_revenue']);
      page.open('exposure.shop.weekly_revenue');
      expect(page.main).toContain('Dana &lt;dana@shop.test&gt;');
      expect(page.main).toContain('https://bi.shop.test/revenue');
      expect(page.main).toMatch(/Depends on<\/h2><ul class="links">.*fct_revenue.*orders/s);
      page.open('');
      const graph = new DependencyGraph(manifest);
      for (const select of ['+exposure:weekly_revenue', 'exposure:*', 'group:finance', 'access:private', 'stg_orders+']) {
        page.selectGraph(select);
        expect(page.graphNodes, select).toEqual(selectNodes(graph, { select: [select], resourceTypes: ['model', 'source', 'exposure'] }).sort());
      }
    } finally {
      removeDir(dir);
    }
  });

  it('writes them to target/manifest.json, and state:modified selects an exposure whose definition changed', async () => {
    const dir = makeProject(governed);
    try {
      const options = { projectDir: dir, targetConfig: target, env: {} };
      await parse(options);
      const written = JSON.parse(readFileSync(join(dir, 'target/manifest.json'), 'utf8')) as {
        exposures: Record<string, { owner: unknown; depends_on: unknown }>;
        groups: Record<string, { owner: unknown }>;
        nodes: Record<string, { access?: string; group?: string | null }>;
      };
      expect(written.exposures['exposure.shop.weekly_revenue'].depends_on).toEqual({ nodes: ['model.shop.fct_revenue', 'source.shop.raw.orders'], macros: [] });
      expect(written.groups['group.shop.marketing'].owner).toEqual({ name: null, email: 'mkt@shop.test' });
      expect([written.nodes['model.shop.int_ledger'].access, written.nodes['model.shop.int_ledger'].group]).toEqual(['private', 'finance']);
      cpSync(join(dir, 'target'), join(dir, 'previous'), { recursive: true });
      expect(await list({ ...options, select: ['state:modified'], state: 'previous' })).toEqual([]);
      writeFile(dir, 'models/dash/exposures.yml', governed['models/dash/exposures.yml'].replace('maturity: high', 'maturity: medium'));
      expect(await list({ ...options, select: ['state:modified'], state: 'previous' })).toEqual(['exposure:shop.dash.weekly_revenue']);
    } finally {
      removeDir(dir);
    }
  });

  it('parses everything again when an exposure or group file changes (partial parse)', async () => {
    const dir = makeProject(governed);
    try {
      const options = { projectDir: dir, targetConfig: target, env: {} };
      await parse(options);
      expect((await parse(options)).parseStats.parsed).toBe(0);
      const yaml = governed['models/dash/exposures.yml'].replace('maturity: high', 'maturity: low');
      writeFile(dir, 'models/dash/exposures.yml', yaml);
      utimesSync(join(dir, 'models/dash/exposures.yml'), new Date(), new Date(Date.now() + 5000));
      const changed = await parse(options);
      expect(changed.parseStats.reused).toBe(0);
      expect(changed.manifest.exposures['exposure.shop.weekly_revenue'].maturity).toBe('low');
      // A group's file: the model it makes private is read again too.
      writeFile(dir, 'models/groups.yml', governed['models/groups.yml'].replace('    access: private\n', '    access: public\n'));
      const regrouped = await parse(options);
      expect(regrouped.parseStats.reused).toBe(0);
      expect(regrouped.manifest.nodes['model.shop.int_ledger'].access).toBe('public');
    } finally {
      removeDir(dir);
    }
  });
});

describe('bad exposures, groups and access are located errors', () => {
  it('an unknown group, as dbt: the group must be declared', async () => {
    const errors = await parseErrors({ ...governed, 'kpi_project.yml': 'name: shop\nmodels:\n  shop:\n    finance:\n      +group: finanse\n' });
    expect(errors).toContainEqual({
      code: 'KPI_GROUP_NOT_FOUND',
      message: "'fct_revenue' is in group 'finanse', which no groups: entry declares (expected one of ['finance', 'marketing']). Did you mean 'finance'?",
      where: 'models/finance/fct_revenue.sql:',
    });
  });

  it('an access that is not private, protected or public', async () => {
    const errors = await parseErrors({ ...governed, 'models/groups.yml': governed['models/groups.yml'].replace('config: {access: public}', 'config: {access: publc}') });
    expect(errors).toEqual([
      { code: 'KPI_CONFIG_INVALID', message: "'fct_revenue': access must be private, protected or public, got \"publc\". Did you mean 'public'?", where: 'models/groups.yml:9' },
    ]);
  });

  it('a ref to a private model from outside its group, with dbt message', async () => {
    const errors = await parseErrors({ ...governed, 'models/mkt_report.sql': "{{ config(group='marketing') }}\nselect * from {{ ref('int_ledger') }}" });
    expect(errors).toEqual([
      {
        code: 'KPI_ACCESS_DENIED',
        message: "Node model.shop.mkt_report attempted to reference node model.shop.int_ledger, which is not allowed because the referenced node is private to the 'finance' group.",
        // The line of the ref().
        where: 'models/mkt_report.sql:2',
      },
    ]);
  });

  it('a private model may be ref’d inside its group, and a test on it is in its group', async () => {
    const dir = makeProject({
      ...governed,
      'models/finance/fct_ledger_summary.sql': "select count(*) as n from {{ ref('int_ledger') }}",
      'models/tests.yml': 'models:\n  - name: int_ledger\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
    });
    try {
      const { manifest } = await parse({ projectDir: dir, targetConfig: target, env: {} });
      expect(manifest.nodes['model.shop.fct_ledger_summary'].depends_on.nodes).toEqual(['model.shop.int_ledger']);
    } finally {
      removeDir(dir);
    }
  });

  it('an exposure on a private model (dbt refuses it: exposures belong to no group)', async () => {
    const yaml = governed['models/dash/exposures.yml'].replace("- ref('fct_revenue')\n      - ref('fct_revenue')", "- ref('int_ledger')");
    const errors = await parseErrors({ ...governed, 'models/dash/exposures.yml': yaml });
    expect(errors.map((error) => error.message)).toEqual([
      "Node exposure.shop.weekly_revenue attempted to reference node model.shop.int_ledger, which is not allowed because the referenced node is private to the 'finance' group.",
    ]);
  });

  it('an exposure depending on a model that does not exist, a bad type, and no owner', async () => {
    const yaml = [
      'exposures:',
      '  - name: board',
      '    type: dashbord',
      '    owner: {name: Dana}',
      "    depends_on: [\"ref('fct_revenu')\", \"source('raw', 'order')\"]",
      '  - name: notebook_1',
      '    type: notebook',
      '  - name: app',
      '    type: application',
      '    owner: {team: data}',
      '    maturity: mature',
      '',
    ].join('\n');
    const errors = await parseErrors({ ...governed, 'models/dash/exposures.yml': yaml });
    expect(errors).toEqual([
      {
        code: 'KPI_EXPOSURE_INVALID',
        message: "'exposures[0].type' must be one of dashboard, notebook, analysis, ml, application, got \"dashbord\". Did you mean 'dashboard'?",
        where: 'models/dash/exposures.yml:3',
      },
      { code: 'KPI_EXPOSURE_INVALID', message: "exposure 'notebook_1' needs an owner (a name or an email)", where: 'models/dash/exposures.yml:6' },
      { code: 'KPI_CONFIG_INVALID', message: "'exposures[2].owner' needs a name or an email", where: 'models/dash/exposures.yml:10' },
      { code: 'KPI_EXPOSURE_INVALID', message: '\'exposures[2].maturity\' must be one of high, medium, low, got "mature"', where: 'models/dash/exposures.yml:11' },
    ]);
    // With a valid entry, what its depends_on names is checked against the project.
    const resolved = await parseErrors({ ...governed, 'models/dash/exposures.yml': yaml.replace('dashbord', 'dashboard').split('  - name: notebook_1')[0] });
    expect(resolved).toEqual([
      { code: 'KPI_REF_NOT_FOUND', message: "exposure 'board' depends on 'fct_revenu', which does not exist. Did you mean 'fct_revenue'?", where: 'models/dash/exposures.yml:5' },
      {
        code: 'KPI_SOURCE_NOT_FOUND',
        message: "exposure 'board' depends on source('raw', 'order'), which no sources: entry declares. Did you mean 'raw.orders'?",
        where: 'models/dash/exposures.yml:5',
      },
    ]);
  });

  it("a protected model of a package with restrict-access may not be ref'd from another package", async () => {
    const packageFiles = {
      'dbt_packages/vendor/dbt_project.yml': 'name: vendor\nrestrict-access: true\n',
      'dbt_packages/vendor/models/vendor_base.sql': 'select 1 as id',
      'dbt_packages/vendor/models/vendor_public.sql': "{{ config(access='public') }}\nselect 2 as id",
    };
    const files = { 'kpi_project.yml': 'name: shop\n', 'packages.yml': 'packages:\n  - local: dbt_packages/vendor\n', ...packageFiles };
    const errors = await parseErrors({ ...files, 'models/mine.sql': "select * from {{ ref('vendor_base') }}" });
    expect(errors.map((error) => [error.code, error.message])).toEqual([
      ['KPI_ACCESS_DENIED', "Node model.shop.mine attempted to reference node model.vendor.vendor_base, which is not allowed because the referenced node is protected to the 'vendor' package."],
    ]);
    // Its public models may; without restrict-access (dbt's default) its protected ones may too.
    for (const [name, extra] of [
      ['vendor_public', {}],
      ['vendor_base', { 'dbt_packages/vendor/dbt_project.yml': 'name: vendor\n' }],
    ] as const) {
      const dir = makeProject({ ...files, ...extra, 'models/mine.sql': `select * from {{ ref('${name}') }}` });
      try {
        const { manifest } = await parse({ projectDir: dir, targetConfig: target, env: {} });
        expect(manifest.nodes['model.shop.mine'].depends_on.nodes).toEqual([`model.vendor.${name}`]);
      } finally {
        removeDir(dir);
      }
    }
  });
});

for (const kind of databaseKinds()) {
  describe(`exposures on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it("build runs the exposure's upstream and nothing for the exposure; templates see graph.exposures", async () => {
      const schema = db.target();
      const dir = makeProject({
        'kpi_project.yml': 'name: shop\n',
        'models/orders.sql': "{{ config(materialized='table') }}\nselect 1 as id",
        'models/exposure_facts.sql': [
          "{{ config(materialized='table') }}",
          '{% set rows = [] %}',
          '{% if execute %}{% for e in graph.exposures.values() %}',
          '{% do rows.append("select \'" ~ e.unique_id ~ "\' as id, \'" ~ e.owner.email ~ "\' as email, \'" ~ e.depends_on.nodes | join(\',\') ~ "\' as parents") %}',
          '{% endfor %}{% endif %}',
          '{{ rows | join(\' union all \') if rows else "select null::text as id, null::text as email, null::text as parents where false" }}',
        ].join('\n'),
        'models/exposures.yml': 'exposures:\n  - name: board\n    type: analysis\n    owner: {email: a@shop.test}\n    depends_on: ["ref(\'orders\')"]\n',
      });
      try {
        const summary = await build({ projectDir: dir, targetConfig: schema, adapter: db.adapter, select: ['+exposure:board', 'exposure_facts'] });
        expect(summary.success).toBe(true);
        expect(summary.results.map((result) => result.unique_id).sort()).toEqual(['model.shop.exposure_facts', 'model.shop.orders']);
        expect(await db.query(`select * from "${schema.schema}".exposure_facts`)).toEqual([{ id: 'exposure.shop.board', email: 'a@shop.test', parents: 'model.shop.orders' }]);
        expect(await db.query(`select id from "${schema.schema}".orders`)).toEqual([{ id: 1 }]);
      } finally {
        removeDir(dir);
      }
    });
  });
}
