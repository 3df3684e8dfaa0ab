import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '../../src/api.js';
import type { TargetConfig } from '../../src/config/profiles.js';
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
    // --vars, a macro file, the project file: likewise.
    expect((await parse({ projectDir: dir, targetConfig: target, env: { KPI_PP_REGION: 'us' }, vars: { factor: 3 } })).parseStats.reused).toBe(0);
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
});
