import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/config/yaml-file.js';
import { YamlReader } from '../../src/config/yaml-reader.js';
import { KpiError } from '../../src/errors.js';
import { Diagnostics, DiagnosticsError } from '../../src/support/diagnostics.js';
import { judgeKey, nearMiss, type KeyPolicy } from '../../src/support/key-policy.js';
import { kpi } from '../helpers/cli.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

const DBT_TOLERANT: KeyPolicy = { known: ['materialized', 'schema', 'tags'], tolerated: ['sort', 'dist'], unknown: 'warn' };
const STRICT: KeyPolicy = { known: ['defaults', 'kpis', 'targets'], unknown: 'error' };

function problems(diagnostics: Diagnostics) {
  return diagnostics.items.map((item) => [item.severity, item.code, `${item.location?.line}:${item.location?.column}`, item.message]);
}

describe('key policy', () => {
  it('accepts the keys kpi reads and, silently, those dbt knows that kpi ignores', () => {
    expect(judgeKey('materialized', 'models.a.materialized', DBT_TOLERANT)).toBeNull();
    expect(judgeKey('dist', 'models.a.dist', DBT_TOLERANT)).toBeNull();
  });

  it('makes a near miss of a key kpi reads an error with "did you mean", and any other unknown key a warning', () => {
    expect(judgeKey('materalized', 'models.kpi.+materalized', DBT_TOLERANT)).toEqual({ severity: 'error', message: "unknown key 'models.kpi.+materalized'. Did you mean 'materialized'?" });
    // Case alone is a slip too: Postgres-minded users write keys as they like, dbt does not.
    expect(judgeKey('Schema', 'Schema', DBT_TOLERANT)).toMatchObject({ severity: 'error', message: "unknown key 'Schema'. Did you mean 'schema'?" });
    expect(judgeKey('owner', 'owner', DBT_TOLERANT)).toEqual({ severity: 'warning', message: "unknown key 'owner' is ignored" });
    // A slip of a key kpi ignores anyway changes nothing in kpi: a warning that still suggests it.
    expect(judgeKey('dists', 'dists', DBT_TOLERANT)).toEqual({ severity: 'warning', message: "unknown key 'dists' is ignored. Did you mean 'dist'?" });
    expect(judgeKey('owner', 'models.owner', { ...DBT_TOLERANT, noun: 'config', fate: 'is kept' })).toEqual({ severity: 'warning', message: "unknown config 'models.owner' is kept" });
  });

  it('counts as a near miss at most two edits, and fewer than half the key, so short keys of the user are not taken for known ones', () => {
    expect(nearMiss('materalized', ['materialized'])).toBe('materialized');
    expect(nearMiss('expected', ['expect'])).toBe('expect');
    expect(nearMiss('kpi', ['kpis'])).toBe('kpis');
    expect(nearMiss('mterializd', ['materialized'])).toBe('materialized');
    // Two neighbours swapped is one slip.
    expect(nearMiss('prot', ['port'])).toBe('port');
    expect(nearMiss('mtrializd', ['materialized'])).toBeUndefined();
    expect(nearMiss('data', ['meta'])).toBeUndefined();
    expect(nearMiss('ab', ['a'])).toBeUndefined();
  });

  it('makes every unknown key an error under the strict policy, with the known keys as the hint', () => {
    expect(judgeKey('default', 'default', STRICT)).toEqual({ severity: 'error', message: "unknown key 'default'. Did you mean 'defaults'?", hint: 'known keys here: defaults, kpis, targets' });
    expect(judgeKey('alerts', 'alerts', STRICT)).toEqual({ severity: 'error', message: "unknown key 'alerts'", hint: 'known keys here: defaults, kpis, targets' });
  });
});

describe('YamlReader', () => {
  const text = [
    /* 1 */ 'models:',
    /* 2 */ '  - name: orders',
    /* 3 */ '    materalized: table',
    /* 4 */ '    owner: ops',
    /* 5 */ '    sort: [id]',
    /* 6 */ '  - name: 3',
    /* 7 */ 'seeds: {a: 1}',
    /* 8 */ '',
  ].join('\n');

  it('reports every problem of a file, each at its line:col and named by its dotted path', () => {
    const diagnostics = new Diagnostics();
    const reader = new YamlReader(parseYaml(text, 'models/schema.yml'), diagnostics);
    const top = reader.mapping(reader.yaml.data, [], 'sections');
    reader.list(top.models, ['models'], 'models').forEach((entry, index) => {
      const model = reader.mapping(entry, ['models', index], 'properties');
      if (typeof model.name !== 'string') reader.fail(['models', index, 'name'], 'must be text');
      reader.checkKeys(model, { known: ['name', 'materialized'], tolerated: ['sort'], unknown: 'warn' }, ['models', index]);
    });
    reader.list(top.seeds, ['seeds'], 'seeds');
    expect(problems(diagnostics)).toEqual([
      ['error', 'KPI_CONFIG_UNKNOWN_KEY', '3:5', "unknown key 'models[0].materalized'. Did you mean 'materialized'?"],
      ['warning', 'KPI_CONFIG_UNKNOWN_KEY', '4:5', "unknown key 'models[0].owner' is ignored"],
      ['error', 'KPI_CONFIG_INVALID', '6:5', "'models[1].name' must be text"],
      ['error', 'KPI_CONFIG_INVALID', '7:1', "'seeds' must be a list of seeds, got a mapping"],
    ]);
    expect(reader.valid).toBe(false);
  });

  it('reads one entry with paths, prefix and validity of its own, through the codes the file has', () => {
    const diagnostics = new Diagnostics();
    const reader = new YamlReader(parseYaml(text, 'models/schema.yml'), diagnostics, { invalid: 'KPI_UNIT_TEST_INVALID', unknownKey: 'KPI_UNIT_TEST_INVALID' });
    const first = reader.within(['models', 0], "model 'orders': ");
    const second = reader.within(['models', 1], "model '3': ");
    first.checkKeys(first.mapping((reader.yaml.data as { models: unknown[] }).models[0], [], 'properties'), { known: ['name', 'materalized', 'owner', 'sort'], unknown: 'error' });
    expect(first.valid).toBe(true);
    second.fail(['name'], 'must be text');
    expect([first.valid, second.valid, reader.valid]).toEqual([true, false, false]);
    expect(problems(diagnostics)).toEqual([['error', 'KPI_UNIT_TEST_INVALID', '6:5', "model '3': 'name' must be text"]]);
    expect(first.locate(['owner'])).toEqual({ file: 'models/schema.yml', line: 4, column: 5 });
  });

  it('treats an absent or null section as empty, and names the file itself when the whole file has the wrong shape', () => {
    const diagnostics = new Diagnostics();
    const reader = new YamlReader(parseYaml('- a\n- b\n', 'packages.yml'), diagnostics);
    expect(reader.mapping(undefined, ['x'], 'things')).toEqual({});
    expect(reader.list(null, ['x'], 'things')).toEqual([]);
    reader.mapping(reader.yaml.data, [], 'keys to values');
    expect(diagnostics.items.map((item) => item.message)).toEqual(['packages.yml must be a mapping of keys to values, got a list']);
  });
});

describe('Diagnostics.throwIfErrors', () => {
  it('throws nothing for warnings alone', () => {
    const diagnostics = new Diagnostics();
    diagnostics.warn('KPI_CONFIG_UNKNOWN_KEY', "unknown key 'owner' is ignored", { file: 'kpi_project.yml', line: 3, column: 1 });
    expect(() => diagnostics.throwIfErrors()).not.toThrow();
  });

  it('throws every error at once: the first error’s code, location and hint, and a message that lists the others where they are', () => {
    const diagnostics = new Diagnostics();
    diagnostics.error('KPI_CONFIG_UNKNOWN_KEY', "unknown key 'modles'. Did you mean 'models'?", { file: 'kpi_project.yml', line: 2, column: 1 }, 'first hint');
    diagnostics.warn('KPI_CONFIG_UNKNOWN_KEY', "unknown key 'owner' is ignored", { file: 'kpi_project.yml', line: 3, column: 1 });
    diagnostics.error('KPI_CONFIG_INVALID', "'vars' must be a mapping of variable names to values, got a list", { file: 'kpi_project.yml', line: 4, column: 1 });
    diagnostics.error('KPI_TEST_INVALID', 'a test without a place', undefined, 'second hint');
    let thrown: unknown;
    try {
      diagnostics.throwIfErrors();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KpiError);
    expect(thrown).toBeInstanceOf(DiagnosticsError);
    const error = thrown as DiagnosticsError;
    expect(error).toMatchObject({ code: 'KPI_CONFIG_UNKNOWN_KEY', location: { file: 'kpi_project.yml', line: 2, column: 1 }, hint: 'first hint' });
    expect(error.message).toBe(
      [
        "unknown key 'modles'. Did you mean 'models'?",
        "KPI_CONFIG_INVALID: kpi_project.yml:4:1: 'vars' must be a mapping of variable names to values, got a list",
        'KPI_TEST_INVALID: a test without a place',
        '  hint: second hint',
      ].join('\n'),
    );
    expect(error.errors.map((item) => item.code)).toEqual(['KPI_CONFIG_UNKNOWN_KEY', 'KPI_CONFIG_INVALID', 'KPI_TEST_INVALID']);
  });

  it('keeps a single error as it was', () => {
    const diagnostics = new Diagnostics();
    diagnostics.error('KPI_CONFIG_INVALID', "'name' is required", { file: 'kpi_project.yml', line: 1, column: 1 }, 'name it');
    expect(() => diagnostics.throwIfErrors()).toThrow(expect.objectContaining({ code: 'KPI_CONFIG_INVALID', message: "'name' is required", hint: 'name it' }));
  });

  it('prints every error of the project file from the CLI, each with its position and hint, and the count', async () => {
    const dir = makeProject({
      'kpi_project.yml': ['name: bad', 'modles: {}', 'vars: [1]', 'models:', '  bad:', '    +materalized: table', 'flags: {send_anonymous_usage_stats: false}', 'owner: ops', ''].join('\n'),
    });
    const result = await kpi(['parse', '--project-dir', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      [
        "KPI_CONFIG_UNKNOWN_KEY: kpi_project.yml:2:1: unknown key 'modles'. Did you mean 'models'?",
        "KPI_CONFIG_INVALID: kpi_project.yml:3:1: 'vars' must be a mapping of variable names to values, got a list",
        "KPI_CONFIG_UNKNOWN_KEY: kpi_project.yml:6:5: unknown config 'models.bad.+materalized'. Did you mean 'materialized'?",
        '3 errors',
        '',
      ].join('\n'),
    );
    removeDir(dir);
  });
});
