import { createHash } from 'node:crypto';
import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/api.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import { generateProject } from '../../bench/generate-project.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';

const target: TargetConfig = { type: 'pglite', name: 'dev', profileName: 'test', schema: 'pp', threads: 1, path: null };

describe('partial parse', () => {
  it('reuses unchanged files and re-parses what changed or what they depend on', async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: pp\nvars:\n  factor: 2\n',
      'models/a.sql': "{{ config(materialized='table') }}\nselect {{ var('factor') }} as x",
      'models/b.sql': "select * from {{ ref('a') }} where '{{ env_var('KPI_PP_REGION', 'eu') }}' = 'eu'",
      'models/c.sql': "select * from {{ ref('b') }}",
      'macros/m.sql': '{% macro one() %}1{% endmacro %}',
    });
    const first = await parse({ projectDir: dir, targetConfig: target, env: {} });
    expect(first.parseStats).toEqual({ reused: 0, parsed: 3 });

    const second = await parse({ projectDir: dir, targetConfig: target, env: {} });
    expect(second.parseStats).toEqual({ reused: 3, parsed: 0 });
    expect(second.manifest.nodes).toEqual(first.manifest.nodes);

    // One model edited: only it is parsed again, and its new ref is an edge.
    writeFile(dir, 'models/c.sql', "select * from {{ ref('b') }} join {{ ref('a') }} using (x)");
    utimesSync(join(dir, 'models/c.sql'), new Date(), new Date(Date.now() + 5000));
    const third = await parse({ projectDir: dir, targetConfig: target, env: {} });
    expect(third.parseStats).toEqual({ reused: 2, parsed: 1 });
    expect(third.manifest.nodes['model.pp.c'].depends_on.nodes).toEqual(['model.pp.b', 'model.pp.a']);

    // An environment variable a model read changed: everything is parsed again.
    expect((await parse({ projectDir: dir, targetConfig: target, env: { KPI_PP_REGION: 'us' } })).parseStats.reused).toBe(0);
    // A --var a model read: that model is parsed again (the others did not read it). A macro file, the project file: everything.
    expect((await parse({ projectDir: dir, targetConfig: target, env: { KPI_PP_REGION: 'us' }, vars: { factor: 3 } })).parseStats).toEqual({ reused: 2, parsed: 1 });
    writeFile(dir, 'macros/m.sql', '{% macro one() %}2{% endmacro %}');
    expect((await parse({ projectDir: dir, targetConfig: target, env: { KPI_PP_REGION: 'us' }, vars: { factor: 3 } })).parseStats.reused).toBe(0);
    expect((await parse({ projectDir: dir, targetConfig: target, env: { KPI_PP_REGION: 'us' }, vars: { factor: 3 } })).parseStats.reused).toBe(3);
    // A deleted model disappears; nothing stale is kept.
    removeDir(join(dir, 'models/c.sql'));
    const afterDelete = await parse({ projectDir: dir, targetConfig: target, env: { KPI_PP_REGION: 'us' }, vars: { factor: 3 } });
    expect(Object.keys(afterDelete.manifest.nodes).sort()).toEqual(['model.pp.a', 'model.pp.b']);
    // --no-partial-parse parses everything.
    expect((await parse({ projectDir: dir, targetConfig: target, env: { KPI_PP_REGION: 'us' }, vars: { factor: 3 }, partialParse: false })).parseStats.reused).toBe(0);
    removeDir(dir);
  });

  it('parses again the files that read a --var whose value changed, and gives the manifest a full parse gives', async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: pp\nvars:\n  day: "2026-01-01"\n',
      'models/reads_day.sql': "select '{{ var('day') }}'::date as day",
      'models/reads_n.sql': "select {{ var('n', 1) }} as n",
      'models/through_macro.sql': "select {{ the_day() }} as d from {{ ref('reads_day') }}",
      'models/static.sql': "select * from {{ ref('reads_n') }}",
      'macros/the_day.sql': "{% macro the_day() %}'{{ var('day') }}'{% endmacro %}",
      'models/schema.yml': 'version: 2\nmodels:\n  - name: reads_day\n    columns:\n      - name: day\n        tests: [not_null]\n',
    });
    const now = new Date('2026-01-02T03:04:05Z');
    const manifestOf = async (vars: Record<string, unknown>, partialParse = true) => {
      const parsed = await parse({ projectDir: dir, targetConfig: target, env: {}, vars, partialParse, invocationId: 'same', now });
      return { stats: parsed.parseStats, manifest: readFileSync(join(parsed.targetDir, 'manifest.json'), 'utf8') };
    };
    expect((await manifestOf({ day: '2026-02-01' })).stats).toEqual({ reused: 0, parsed: 4 });
    expect((await manifestOf({ day: '2026-02-01' })).stats).toEqual({ reused: 4, parsed: 0 });
    // The data tests are kept too when the nodes they test parse the same: a planted change comes back.
    const cachePath = join(dir, 'target', 'partial_parse.json');
    const cache = JSON.parse(readFileSync(cachePath, 'utf8')) as { tests: { nodes: Array<{ description: string }> } };
    for (const node of cache.tests.nodes) node.description = 'planted';
    writeFileSync(cachePath, JSON.stringify(cache));
    // A new day: the two files whose parse read it (one through a macro); n and the static model are reused.
    const newDay = await manifestOf({ day: '2026-02-02' });
    expect(newDay.stats).toEqual({ reused: 2, parsed: 2 });
    const testNodes = (manifest: string) =>
      Object.values((JSON.parse(manifest) as { nodes: Record<string, { resource_type: string; description: string }> }).nodes).filter((node) => node.resource_type === 'test');
    expect(testNodes(newDay.manifest).map((node) => node.description)).toEqual(['planted']);
    writeFileSync(cachePath, JSON.stringify({ ...JSON.parse(readFileSync(cachePath, 'utf8')), tests: undefined }));
    const rebuilt = await manifestOf({ day: '2026-02-02' });
    expect(testNodes(rebuilt.manifest).map((node) => node.description)).toEqual(['']);
    const full = await manifestOf({ day: '2026-02-02' }, false);
    expect(rebuilt.manifest).toBe(full.manifest);
    expect(JSON.parse(newDay.manifest).nodes['model.pp.through_macro'].raw_code).toContain('the_day()');
    // A var given that was not given before (n took its default): what read it is parsed again.
    const withN = await manifestOf({ day: '2026-02-02', n: 5 });
    expect(withN.stats).toEqual({ reused: 3, parsed: 1 });
    expect(withN.manifest).toBe((await manifestOf({ day: '2026-02-02', n: 5 }, false)).manifest);
    // Back to the project's own value of day (no --vars): the day readers again.
    expect((await manifestOf({ n: 5 })).stats).toEqual({ reused: 2, parsed: 2 });
    removeDir(dir);
  });

  it('reuses the data tests when nothing they read changed, and builds them again when something did', async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: pp\n',
      'models/a.sql': 'select 1 as id',
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/c.sql': 'select 3 as id',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [not_null]\n',
      'tests/one.sql': "select * from {{ ref('a') }} where id < 0",
    });
    const first = await parse({ projectDir: dir, targetConfig: target, env: {} });
    const testIds = (manifest: typeof first.manifest) =>
      Object.values(manifest.nodes)
        .filter((node) => node.resource_type === 'test')
        .map((node) => `${node.unique_id.replace(/\.[0-9a-f]{10}$/, '')} ${node.config.severity} ${node.config.enabled}`)
        .sort();
    expect(testIds(first.manifest)).toEqual(['test.pp.not_null_a_id ERROR true', 'test.pp.one ERROR true'].sort());

    // Proof that an unchanged project takes its tests from the cache: a planted change is what comes back.
    const cachePath = join(first.targetDir, 'partial_parse.json');
    const cache = JSON.parse(readFileSync(cachePath, 'utf8')) as { tests: { nodes: Array<{ config: { severity: string } }> } };
    for (const node of cache.tests.nodes) node.config.severity = 'planted';
    writeFileSync(cachePath, JSON.stringify(cache));
    expect(testIds((await parse({ projectDir: dir, targetConfig: target, env: {} })).manifest).every((line) => line.includes(' planted '))).toBe(true);

    // A model's file removed, every other file unchanged: the nodes the tests read are not the last parse's, so they are built again.
    rmSync(join(dir, 'models/c.sql'));
    expect(testIds((await parse({ projectDir: dir, targetConfig: target, env: {} })).manifest).some((line) => line.includes(' planted '))).toBe(false);
    // And kept again by the next unchanged parse (planted once more).
    const again = JSON.parse(readFileSync(cachePath, 'utf8')) as { tests: { nodes: Array<{ config: { severity: string } }> } };
    for (const node of again.tests.nodes) node.config.severity = 'planted';
    writeFileSync(cachePath, JSON.stringify(again));
    expect(testIds((await parse({ projectDir: dir, targetConfig: target, env: {} })).manifest).every((line) => line.includes(' planted '))).toBe(true);

    // A model's file changed (the tested model disabled): the tests are built again, and follow it.
    writeFile(dir, 'models/a.sql', '{{ config(enabled=false) }}select 1 as id');
    utimesSync(join(dir, 'models/a.sql'), new Date(), new Date(Date.now() + 5000));
    const disabled = await parse({ projectDir: dir, targetConfig: target, env: {} }).catch((error: Error) => error);
    // b refs the disabled a: an error, as in dbt; what matters here is that the planted cache was not used.
    expect(disabled instanceof Error ? disabled.message : '').toMatch(/disabled|'a'/);
    writeFile(dir, 'models/b.sql', 'select 2 as id');
    utimesSync(join(dir, 'models/b.sql'), new Date(), new Date(Date.now() + 6000));
    // Disabled with their model, they leave the nodes (as in dbt's manifest, where they are under disabled).
    expect(testIds((await parse({ projectDir: dir, targetConfig: target, env: {} })).manifest)).toEqual([]);

    // A singular test file added, and a property file edited: seen at once.
    writeFile(dir, 'models/a.sql', 'select 1 as id');
    utimesSync(join(dir, 'models/a.sql'), new Date(), new Date(Date.now() + 7000));
    writeFile(dir, 'tests/two.sql', "select * from {{ ref('b') }} where id < 0");
    expect(testIds((await parse({ projectDir: dir, targetConfig: target, env: {} })).manifest)).toContain('test.pp.two ERROR true');
    writeFile(dir, 'models/schema.yml', 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests:\n          - not_null:\n              config: {severity: warn}\n');
    expect(testIds((await parse({ projectDir: dir, targetConfig: target, env: {} })).manifest)).toContain('test.pp.not_null_a_id WARN true');
    removeDir(dir);
  });

  it('reads the files of a big project ahead on a thread: each node has the text of its file, and the cache records each file as it was read', async () => {
    // 600 models: over the reader thread's threshold (support/read-sources.ts).
    const dir = generateProject(600);
    const first = await parse({ projectDir: dir, targetConfig: target, env: {} });
    const models = Object.values(first.manifest.nodes).filter((node) => node.resource_type === 'model');
    expect(first.parseStats.parsed).toBe(600);
    expect(models).toHaveLength(600);
    for (const node of models) {
      const text = readFileSync(join(dir, node.original_file_path), 'utf8');
      expect(node.raw_code).toBe(text);
      expect(node.checksum.checksum).toBe(createHash('sha256').update(text).digest('hex'));
    }
    // The sizes and times the reader recorded are the files': everything is reused.
    const second = await parse({ projectDir: dir, targetConfig: target, env: {} });
    expect(second.parseStats).toEqual({ reused: 600, parsed: 0 });
    expect(second.manifest.nodes).toEqual(first.manifest.nodes);
    // A file edited after it was read (same size, later time) is parsed again.
    const edited = models[0].original_file_path;
    const text = readFileSync(join(dir, edited), 'utf8');
    writeFile(dir, edited, text.replace(/select/, 'SELECT'));
    utimesSync(join(dir, edited), new Date(), new Date(Date.now() + 5000));
    const third = await parse({ projectDir: dir, targetConfig: target, env: {} });
    expect(third.parseStats).toEqual({ reused: 599, parsed: 1 });
    expect(third.manifest.nodes[models[0].unique_id].raw_code).toBe(text.replace(/select/, 'SELECT'));
    // A broken file among 600 new ones (no cache): the parse fails with its error, and the next one, fixed, succeeds.
    rmSync(join(dir, 'target'), { recursive: true, force: true });
    const broken = models[300].original_file_path;
    writeFile(dir, broken, 'select {{ ref(');
    await expect(parse({ projectDir: dir, targetConfig: target, env: {} })).rejects.toMatchObject({ code: 'KPI_TEMPLATE_ERROR', location: { file: broken } });
    writeFile(dir, broken, 'select 1 as id');
    expect((await parse({ projectDir: dir, targetConfig: target, env: {} })).parseStats.parsed).toBe(600);
    removeDir(dir);
  }, 120_000);
});
