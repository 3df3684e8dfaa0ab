import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/config/load-project.js';
import { readPackageSpecs } from '../../src/config/package-specs.js';
import { resolveTarget } from '../../src/config/profiles.js';
import { loadProjectFile } from '../../src/config/project-file.js';
import { KpiError } from '../../src/errors.js';
import { readPropertyFiles } from '../../src/project/property-files.js';
import { Diagnostics } from '../../src/support/diagnostics.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

const context = { env: {}, cliVars: {} };
const dirs: string[] = [];

function project(files: Record<string, string>): string {
  const dir = makeProject(files);
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

/** Each problem as [severity, code, file:line:col, message]. */
function problems(diagnostics: Diagnostics) {
  return diagnostics.items.map((item) => [item.severity, item.code, `${item.location?.file}:${item.location?.line}:${item.location?.column}`, item.message]);
}

describe('the project file', () => {
  it('reports every problem at its position, ignores the keys dbt knows, and warns about the rest', () => {
    const dir = project({
      'dbt_project.yml': [
        /*  1 */ 'name: shop',
        /*  2 */ 'config-version: 2',
        /*  3 */ 'require-dbt-version: [">=1.7.0"]',
        /*  4 */ 'quoting: {identifier: false}',
        /*  5 */ 'flags: {send_anonymous_usage_stats: false}',
        /*  6 */ 'modle-paths: [models]',
        /*  7 */ 'owner: analytics',
        /*  8 */ 'seed-paths: 3',
        /*  9 */ 'target-path: []',
        /* 10 */ 'dispatch:',
        /* 11 */ '  - macro_namespace: dbt_utils',
        /* 12 */ 'models:',
        /* 13 */ '  shop:',
        /* 14 */ '    +materalized: table',
        /* 15 */ '    +sort: [id]',
        /* 16 */ '    +dist: id',
        /* 17 */ '    staging:',
        /* 18 */ '      +partition_by: {field: day}',
        /* 19 */ '      +cluster_by: [id]',
        /* 20 */ '      +owner: ops',
        /* 21 */ 'snapshots:',
        /* 22 */ '  +stratgy: timestamp',
        '',
      ].join('\n'),
    });
    const diagnostics = new Diagnostics();
    const config = loadProjectFile(dir, diagnostics, context);
    expect(problems(diagnostics)).toEqual([
      ['error', 'KPI_CONFIG_UNKNOWN_KEY', 'dbt_project.yml:6:1', "unknown key 'modle-paths'. Did you mean 'model-paths'?"],
      ['warning', 'KPI_CONFIG_UNKNOWN_KEY', 'dbt_project.yml:7:1', "unknown key 'owner' is ignored"],
      ['error', 'KPI_CONFIG_UNKNOWN_KEY', 'dbt_project.yml:14:5', "unknown config 'models.shop.+materalized'. Did you mean 'materialized'?"],
      ['warning', 'KPI_CONFIG_UNKNOWN_KEY', 'dbt_project.yml:20:7', "unknown config 'models.shop.staging.+owner' is kept in the node's config but does nothing on Postgres"],
      ['error', 'KPI_CONFIG_UNKNOWN_KEY', 'dbt_project.yml:22:3', "unknown config 'snapshots.+stratgy'. Did you mean 'strategy'?"],
      ['error', 'KPI_CONFIG_INVALID', 'dbt_project.yml:8:1', "'seed-paths' must be a list of paths"],
      ['error', 'KPI_CONFIG_INVALID', 'dbt_project.yml:9:1', "'target-path' must be a path, got a list"],
      ['error', 'KPI_CONFIG_INVALID', 'dbt_project.yml:11:5', "'dispatch[0]' needs macro_namespace (a name) and search_order (a list of package names)"],
    ]);
    // What was wrong falls back to the default; the adapter-specific configs stay in the tree.
    expect(config).toMatchObject({ seedPaths: ['seeds'], targetPath: 'target', dispatch: [] });
    expect(config.models).toMatchObject({ shop: { '+sort': ['id'], '+dist': 'id' } });
  });

  it('stops the load with every error of the project file and the profile, the first one as the error', () => {
    const dir = project({
      'kpi_project.yml': 'name: shop\nprofile: shop\nvars: [1]\n',
      'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: pglite\n      threads: many\n',
    });
    const error = (() => {
      try {
        loadProject({ projectDir: dir, profilesDir: dir, env: {} });
      } catch (caught) {
        return caught;
      }
    })() as KpiError;
    expect(error).toBeInstanceOf(KpiError);
    expect(error).toMatchObject({ code: 'KPI_CONFIG_INVALID', location: { file: 'kpi_project.yml', line: 3, column: 1 } });
    expect(error.message).toBe(
      [
        "'vars' must be a mapping of variable names to values, got a list",
        `KPI_CONFIG_INVALID: ${join(dir, 'profiles.yml')}:6:7: 'shop.outputs.dev.threads' must be a positive whole number, got "many"`,
      ].join('\n'),
    );
  });
});

describe('profiles.yml', () => {
  const lookup = (dir: string, targetName?: string) => ({ projectDir: dir, profileName: 'shop', profilesDir: dir, targetName });
  const profile = [
    /*  1 */ 'config: {send_anonymous_usage_stats: false}',
    /*  2 */ 'shop:',
    /*  3 */ '  target: dev',
    /*  4 */ '  owner: ops',
    /*  5 */ '  outputs:',
    /*  6 */ '    dev:',
    /*  7 */ '      type: postgres',
    /*  8 */ '      host: localhost',
    /*  9 */ '      prot: 5433',
    /* 10 */ '      threads: 0',
    /* 11 */ '      search_path: analytics',
    /* 12 */ '      keepalives_idle: 0',
    /* 13 */ '      sslrootcert: /etc/ssl/root.crt',
    /* 14 */ '      team: data',
    /* 15 */ '      connect_timeout: soon',
    /* 16 */ '    url_only:',
    /* 17 */ '      type: postgres',
    /* 18 */ '      url: not a url',
    /* 19 */ '    snow:',
    /* 20 */ '      type: snowflake',
    '',
  ].join('\n');

  it('reports every problem of the target, ignores the connection keys dbt-postgres knows, and warns about the rest', () => {
    const dir = project({ 'profiles.yml': profile });
    const diagnostics = new Diagnostics();
    const target = resolveTarget(lookup(dir), { ...context, projectVars: {} }, diagnostics);
    const file = join(dir, 'profiles.yml');
    expect(problems(diagnostics)).toEqual([
      ['warning', 'KPI_CONFIG_UNKNOWN_KEY', `${file}:4:3`, "unknown key 'shop.owner' is ignored"],
      ['error', 'KPI_CONFIG_INVALID', `${file}:10:7`, "'shop.outputs.dev.threads' must be a positive whole number, got 0"],
      ['error', 'KPI_CONFIG_UNKNOWN_KEY', `${file}:9:7`, "unknown key 'shop.outputs.dev.prot'. Did you mean 'port'?"],
      ['warning', 'KPI_CONFIG_UNKNOWN_KEY', `${file}:14:7`, "unknown key 'shop.outputs.dev.team' is ignored"],
      ['error', 'KPI_CONFIG_INVALID', `${file}:15:7`, '\'shop.outputs.dev.connect_timeout\' must be a positive whole number, got "soon"'],
    ]);
    expect(target).toMatchObject({ type: 'postgres', host: 'localhost', port: 5432, threads: 1 });
  });

  it('reports a URL that is not one without showing it, a type kpi does not support, and a missing target with the ones there are', () => {
    const dir = project({ 'profiles.yml': profile });
    const file = join(dir, 'profiles.yml');
    const read = (targetName: string) => {
      const diagnostics = new Diagnostics();
      resolveTarget(lookup(dir, targetName), { ...context, projectVars: {} }, diagnostics);
      return problems(diagnostics).filter(([severity]) => severity === 'error');
    };
    expect(read('url_only')).toEqual([['error', 'KPI_CONFIG_INVALID', `${file}:18:7`, "'shop.outputs.url_only.url' is not a URL such as postgres://user@host:5432/dbname"]]);
    expect(read('snow')).toEqual([['error', 'KPI_CONFIG_INVALID', `${file}:20:7`, "'shop.outputs.snow.type' is 'snowflake', which kpi does not support: use postgres or pglite"]]);
    expect(read('url-only')).toEqual([['error', 'KPI_TARGET_NOT_FOUND', `${file}:5:3`, "target 'url-only' is not in profile 'shop'. Did you mean 'url_only'?"]]);
  });
});

describe('packages.yml', () => {
  it('checks each entry against the keys of its kind: a near miss is an error, the keys dbt knows pass, others warn', () => {
    const dir = project({
      'packages.yml': [
        /* 1 */ 'packages:',
        /* 2 */ '  - git: https://github.com/dbt-labs/dbt-utils.git',
        /* 3 */ '    revison: 1.3.0',
        /* 4 */ '    warn-unpinned: false',
        /* 5 */ '  - package: dbt-labs/dbt_utils',
        /* 6 */ '    version: [">=1.0.0"]',
        /* 7 */ '    pinned: true',
        /* 8 */ 'projects: [{name: core}]',
        /* 9 */ 'pakages: []',
        '',
      ].join('\n'),
    });
    const diagnostics = new Diagnostics();
    const specs = readPackageSpecs(dir, diagnostics, { ...context, projectVars: {} });
    expect(problems(diagnostics)).toEqual([
      ['error', 'KPI_CONFIG_UNKNOWN_KEY', 'packages.yml:9:1', "unknown key 'pakages'. Did you mean 'packages'?"],
      ['error', 'KPI_CONFIG_UNKNOWN_KEY', 'packages.yml:3:5', "unknown key 'packages[0].revison'. Did you mean 'revision'?"],
      ['warning', 'KPI_CONFIG_UNKNOWN_KEY', 'packages.yml:7:5', "unknown key 'packages[1].pinned' is ignored"],
    ]);
    expect(specs.map((spec) => spec.kind)).toEqual(['git', 'hub']);
  });
});

describe('property files', () => {
  it('reports every problem of every file at its position, reads the rest, and goes on after a YAML syntax error', () => {
    const dir = project({
      'models/schema.yml': [
        /*  1 */ 'version: 2',
        /*  2 */ 'metrics: [{name: board}]',
        /*  3 */ 'model:',
        /*  4 */ '  - name: typo',
        /*  5 */ 'owner: analytics',
        /*  6 */ 'models:',
        /*  7 */ '  - name: orders',
        /*  8 */ '    descripton: Orders',
        /*  9 */ '    access: public',
        /* 10 */ '    latest_version: 2',
        /* 11 */ '    team: data',
        /* 12 */ '    columns:',
        /* 13 */ '      - name: id',
        /* 14 */ '        data_typ: int',
        /* 15 */ '        policy_tags: [pii]',
        /* 16 */ '      - description: no name',
        /* 17 */ '  - name: customers',
        /* 18 */ '    columns: {id: {}}',
        /* 19 */ 'sources:',
        /* 20 */ '  - name: raw',
        /* 21 */ '    tabels: [{name: orders}]',
        /* 22 */ '  - name: shop',
        /* 23 */ '    loaded_at_query: select now()',
        /* 24 */ '    freshness: {warn_afer: {count: 1, period: day}}',
        /* 25 */ '    tables:',
        /* 26 */ '      - name: orders',
        /* 27 */ '        identifer: order_table',
        /* 28 */ '        freshness: {error_after: {count: 0, period: days}}',
        '',
      ].join('\n'),
      'models/broken.yml': 'models:\n  - name: [unclosed\n',
      'models/more.yml': 'seeds:\n  - name: countries\n    description: 3 letters\n',
    });
    const files = ['models/schema.yml', 'models/broken.yml', 'models/more.yml'].map((path) => ({ path, pathInFolder: path.slice('models/'.length), folder: 'models', absolute: join(dir, path) }));
    const diagnostics = new Diagnostics();
    const read = readPropertyFiles(files, diagnostics);
    const at = (line: number, column: number) => `models/schema.yml:${line}:${column}`;
    expect(problems(diagnostics)).toEqual([
      ['error', 'KPI_CONFIG_UNKNOWN_KEY', at(3, 1), "unknown key 'model'. Did you mean 'models'?"],
      ['warning', 'KPI_CONFIG_UNKNOWN_KEY', at(5, 1), "unknown key 'owner' is ignored"],
      ['error', 'KPI_CONFIG_UNKNOWN_KEY', at(8, 5), "unknown property 'models[0].descripton'. Did you mean 'description'?"],
      ['warning', 'KPI_CONFIG_UNKNOWN_KEY', at(11, 5), "unknown property 'models[0].team' is ignored"],
      ['error', 'KPI_CONFIG_UNKNOWN_KEY', at(14, 9), "unknown property 'models[0].columns[0].data_typ'. Did you mean 'data_type'?"],
      ['error', 'KPI_CONFIG_INVALID', at(16, 9), "'models[0].columns[1]' needs a name"],
      ['error', 'KPI_CONFIG_INVALID', at(18, 5), "'models[1].columns' must be a list of columns with a name, got a mapping"],
      ['error', 'KPI_CONFIG_UNKNOWN_KEY', at(21, 5), "unknown property 'sources[0].tabels'. Did you mean 'tables'?"],
      ['error', 'KPI_CONFIG_UNKNOWN_KEY', at(24, 17), "unknown key 'sources[1].freshness.warn_afer'. Did you mean 'warn_after'?"],
      ['error', 'KPI_CONFIG_UNKNOWN_KEY', at(27, 9), "unknown property 'sources[1].tables[0].identifer'. Did you mean 'identifier'?"],
      ['error', 'KPI_CONFIG_INVALID', at(28, 35), "'sources[1].tables[0].freshness.error_after.count' must be a whole number above 0, got 0"],
      ['error', 'KPI_CONFIG_INVALID', at(28, 45), "'sources[1].tables[0].freshness.error_after' period must be minute, hour or day, not \"days\". Did you mean 'day'?"],
      // dbt knows metrics; kpi does not read them, and says so rather than skip them silently.
      ['warning', 'KPI_RESOURCE_UNSUPPORTED', at(2, 11), "metric 'board': kpi does not support metrics yet; it is skipped"],
      // Where the YAML parser noticed the unclosed list.
      ['error', 'KPI_YAML_INVALID', expect.stringMatching(/^models\/broken\.yml:\d+:\d+$/), expect.stringMatching(/^invalid YAML: /)],
    ]);
    expect(read.nodes.map((node) => node.name)).toEqual(['orders', 'customers', 'countries']);
    expect(read.sources.map((source) => `${source.sourceName}.${source.name}`)).toEqual(['shop.orders']);
  });
});
