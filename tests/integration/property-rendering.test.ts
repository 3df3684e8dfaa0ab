import { describe, expect, it } from 'vitest';
import { parse } from '../../src/api.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

describe('property files', () => {
  it("render Jinja in a source's schema, database and identifier, as dbt does", async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: p\nvars:\n  raw_table: events_v2\n',
      'models/sources.yml': `version: 2
sources:
  - name: app
    schema: "{{ target.schema }}_raw"
    tables:
      - name: events
        identifier: "{{ var('raw_table') }}"
`,
      'models/m.sql': "select * from {{ source('app', 'events') }}",
    });
    const parsed = await parse({ projectDir: dir, targetConfig: { type: 'pglite', name: 'dev', profileName: 't', schema: 'sandbox', threads: 1, path: null } });
    expect(parsed.manifest.sources['source.p.app.events']).toMatchObject({ schema: 'sandbox_raw', identifier: 'events_v2', relation_name: '"sandbox_raw"."events_v2"' });
    removeDir(dir);
  });
});
