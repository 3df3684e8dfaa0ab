import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir, writeFile } from '../helpers/fixtures.js';

/** Model versions as dbt documents them: one node a version, `<model>_v<v>` relations, `ref(m)` the latest, `ref(m, v=N)` one. */
for (const kind of databaseKinds()) {
  describe(`model versions on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    const schemaYml = (latest: string) => `models:
  - name: dim
    config: {materialized: table}
    ${latest}
    columns:
      - {name: id, description: the id}
      - {name: label}
    versions:
      - v: 1
        columns: [{include: all, exclude: [label]}]
      - v: 2
        columns: [{include: all}, {name: active}]
      - v: 3
        defined_in: dim_newest
`;

    it('builds each version under its own name; ref() means the latest, ref(v=N) the version', async () => {
      const target = db.target();
      const dir = makeProject({
        'kpi_project.yml': 'name: ver\n',
        'models/dim_v1.sql': 'select 1 as id',
        'models/dim_v2.sql': "select 2 as id, 'two' as label, true as active",
        'models/dim_newest.sql': "select 3 as id, 'three' as label",
        'models/latest.sql': "select * from {{ ref('dim') }}",
        'models/pinned.sql': "select * from {{ ref('dim', v=2) }}",
        'models/schema.yml': schemaYml(''),
      });
      try {
        const options = { projectDir: dir, targetConfig: target, adapter: db.adapter };
        let summary = await run(options);
        expect(summary.success).toBe(true);
        const nodes = summary.manifest.nodes;
        expect(Object.keys(nodes).sort()).toEqual(['model.ver.dim.v1', 'model.ver.dim.v2', 'model.ver.dim.v3', 'model.ver.latest', 'model.ver.pinned']);
        expect([nodes['model.ver.dim.v1'].alias, nodes['model.ver.dim.v2'].alias, nodes['model.ver.dim.v3'].alias]).toEqual(['dim_v1', 'dim_v2', 'dim_v3']);
        // With no latest_version, the greatest v is the latest.
        expect(nodes['model.ver.dim.v1'].latest_version).toBe(3);
        expect(Object.keys(nodes['model.ver.dim.v1'].columns)).toEqual(['id']);
        expect(Object.keys(nodes['model.ver.dim.v2'].columns)).toEqual(['id', 'label', 'active']);
        expect(nodes['model.ver.latest'].depends_on.nodes).toEqual(['model.ver.dim.v3']);
        expect(nodes['model.ver.pinned'].depends_on.nodes).toEqual(['model.ver.dim.v2']);
        expect(await db.query(`select * from "${target.schema}".latest`)).toEqual([{ id: 3, label: 'three' }]);
        expect(await db.query(`select * from "${target.schema}".pinned`)).toEqual([{ id: 2, label: 'two', active: true }]);

        // latest_version moves what ref('dim') means.
        writeFile(dir, 'models/schema.yml', schemaYml('latest_version: 1'));
        summary = await run(options);
        expect(summary.manifest.nodes['model.ver.latest'].depends_on.nodes).toEqual(['model.ver.dim.v1']);
        expect(await db.query(`select * from "${target.schema}".latest`)).toEqual([{ id: 1 }]);

        writeFile(dir, 'models/pinned.sql', "select * from {{ ref('dim', v=7) }}");
        await expect(run(options)).rejects.toMatchObject({ code: 'KPI_REF_NOT_FOUND', message: expect.stringMatching(/refers to version 7 of 'dim', which has no such version/) });
      } finally {
        removeDir(dir);
      }
    });
  });
}
