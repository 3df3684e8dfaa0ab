import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from '../../src/api.js';
import { YamlCache } from '../../src/config/yaml-cache.js';
import type { TargetConfig } from '../../src/config/profiles.js';
import type { RunEvent } from '../../src/execution/types.js';
import { copyFixture, makeProject, removeDir, writeFile } from '../helpers/fixtures.js';
import { pkgShopWithPackages, unitShopWithSources } from '../helpers/fixture-projects.js';
import { copyKpiProject } from '../helpers/kpi-project.js';

const target: TargetConfig = { type: 'pglite', name: 'dev', profileName: 'test', schema: 'yc', threads: 1, path: null };
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

interface Parsed {
  manifest: string;
  warnings: string[];
}

/** A parse as a command runs it, with the manifest as written and the warnings with their positions. */
async function parseOnce(dir: string, partialParse = true): Promise<Parsed> {
  const events: RunEvent[] = [];
  const parsed = await parse({
    projectDir: dir,
    targetConfig: target,
    partialParse,
    invocationId: 'same-invocation',
    now: new Date('2026-01-02T03:04:05Z'),
    env: {},
    onEvent: (event) => events.push(event),
  });
  const warnings = events.flatMap((event) => (event.type === 'diagnostic' ? [JSON.stringify(event.diagnostic)] : []));
  return { manifest: readFileSync(join(parsed.targetDir, 'manifest.json'), 'utf8'), warnings };
}

/** A project whose property files warn (unknown keys, an entry naming no node), so positions show in what a parse reports. */
function warningProject(): string {
  return makeProject({
    'kpi_project.yml': 'name: yc\nvars:\n  region: eu\n',
    'models/a.sql': 'select 1 as id',
    'models/b.sql': "select * from {{ ref('a') }}",
    'models/schema.yml': [
      'version: 2',
      'models:',
      '  - name: a',
      '    description: the first',
      '    owner_team: data   # unknown: a warning at this key',
      '    columns:',
      '      - name: id',
      '        tests: [unique, not_null]',
      '  - name: b',
      '    config:',
      '      tags: [\'{{ var("region") }}\']',
      '    columns:',
      '      - name: id',
      '        colour: blue',
      '        tests:',
      '          - relationships: {to: "ref(\'a\')", field: id}',
      '  - name: nowhere',
      '',
    ].join('\n'),
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: raw_data\n    tables:\n      - name: orders\n        columns:\n          - name: id\n            tests: [not_null]\n',
  });
}

describe('the YAML cache (target/yaml_cache.json)', () => {
  const projects: Array<[string, () => Promise<string> | string]> = [
    ['a project whose property files warn', warningProject],
    ['the KPI project of this repository', copyKpiProject],
    ['jaffle_shop_tested', () => copyFixture('jaffle_shop_tested')],
    ['unit_shop (with the sources its tests write)', () => unitShopWithSources('yc_raw')],
    ['pkg_shop (with its packages)', pkgShopWithPackages],
  ];

  it.each(projects)(
    'gives %s the same manifest and warnings, cold and warm',
    async (_, make) => {
      const dir = await make();
      dirs.push(dir);
      const uncached = await parseOnce(dir, false);
      expect(existsSync(join(dir, 'target', 'yaml_cache.json'))).toBe(false);
      const cold = await parseOnce(dir);
      expect(existsSync(join(dir, 'target', 'yaml_cache.json'))).toBe(true);
      const warm = await parseOnce(dir);
      // Only the YAML warm: every node is parsed again, reading property files (and their positions) from the cache.
      rmSync(join(dir, 'target', 'partial_parse.json'));
      const yamlOnly = await parseOnce(dir);
      // Positions never asked before are found in the file itself.
      const cachePath = join(dir, 'target', 'yaml_cache.json');
      const cache = JSON.parse(readFileSync(cachePath, 'utf8')) as { files: Record<string, { locations: Record<string, unknown> }> };
      for (const entry of Object.values(cache.files)) entry.locations = {};
      writeFileSync(cachePath, JSON.stringify(cache));
      rmSync(join(dir, 'target', 'partial_parse.json'));
      const noPositions = await parseOnce(dir);
      for (const parsed of [cold, warm, yamlOnly, noPositions]) {
        expect(parsed.manifest).toBe(uncached.manifest);
        expect(parsed.warnings).toEqual(uncached.warnings);
      }
    },
    120_000,
  );

  it('is what an unchanged project reads, and an edited file is read again, even at the same size and time', async () => {
    const dir = warningProject();
    dirs.push(dir);
    const first = await parseOnce(dir);
    expect(first.warnings.filter((warning) => warning.includes('"line"')).length).toBeGreaterThanOrEqual(3);
    const description = (manifest: string) => (JSON.parse(manifest) as { nodes: Record<string, { description: string }> }).nodes['model.yc.a'].description;

    // Proof that the cache is read: a planted description comes back (without the partial-parse cache, whose nodes carry their descriptions).
    const cachePath = join(dir, 'target', 'yaml_cache.json');
    const schemaPath = join(dir, 'models', 'schema.yml');
    const cache = JSON.parse(readFileSync(cachePath, 'utf8')) as { files: Record<string, { data: string }> };
    cache.files[schemaPath].data = cache.files[schemaPath].data.replace('the first', 'planted!!');
    writeFileSync(cachePath, JSON.stringify(cache));
    rmSync(join(dir, 'target', 'partial_parse.json'));
    expect(description((await parseOnce(dir)).manifest)).toBe('planted!!');

    // Edited to the same length, with its modification time put back: the text's hash tells.
    const stats = statSync(schemaPath);
    writeFile(dir, 'models/schema.yml', readFileSync(schemaPath, 'utf8').replace('the first', 'the 1st!!'));
    utimesSync(schemaPath, stats.atime, stats.mtime);
    expect(description((await parseOnce(dir)).manifest)).toBe('the 1st!!');
    // And the edit is what the cache now holds.
    expect(description((await parseOnce(dir)).manifest)).toBe('the 1st!!');
    expect(description((await parseOnce(dir, false)).manifest)).toBe('the 1st!!');
  });

  it('keeps out what JSON cannot carry exactly, and lives in the target folder the project file names', async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: yc\ntarget-path: build\n',
      'models/a.sql': 'select 1 as id',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    meta: {limit: .inf, shared: &s {x: 1}, again: *s}\n',
    });
    dirs.push(dir);
    const uncached = await parseOnce(dir, false);
    const cold = await parseOnce(dir);
    const warm = await parseOnce(dir);
    expect(warm.manifest).toBe(uncached.manifest);
    expect(cold.manifest).toBe(uncached.manifest);
    expect(existsSync(join(dir, 'target'))).toBe(false);
    const cache = JSON.parse(readFileSync(join(dir, 'build', 'yaml_cache.json'), 'utf8')) as { files: Record<string, unknown> };
    expect(Object.keys(cache.files)).toEqual([join(dir, 'kpi_project.yml')]);
  });
});

describe("the parse cache's other results (CSV read on every parse)", () => {
  it('gives back what was read from the same text, and keeps neither errors nor what JSON cannot carry', () => {
    const dir = makeProject({});
    dirs.push(dir);
    const first = new YamlCache(join(dir, 'target', 'yaml_cache.json'));
    expect(first.memo('rows', 'a,b\n1,2\n', () => [{ a: '1', b: '2' }])).toEqual([{ a: '1', b: '2' }]);
    expect(() =>
      first.memo('rows', 'broken', () => {
        throw new Error('not CSV');
      }),
    ).toThrow('not CSV');
    expect(first.memo('rows', 'infinite', () => ({ x: Infinity }))).toEqual({ x: Infinity });
    first.save();

    const second = new YamlCache(join(dir, 'target', 'yaml_cache.json'));
    const unread = () => {
      throw new Error('read again');
    };
    expect(second.memo('rows', 'a,b\n1,2\n', unread)).toEqual([{ a: '1', b: '2' }]);
    // Another kind, or another text, is read.
    expect(() => second.memo('records', 'a,b\n1,2\n', unread)).toThrow('read again');
    expect(() => second.memo('rows', 'a,b\n1,3\n', unread)).toThrow('read again');
    expect(() => second.memo('rows', 'broken', unread)).toThrow('read again');
    expect(() => second.memo('rows', 'infinite', unread)).toThrow('read again');
  });
});
