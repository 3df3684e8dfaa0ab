import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpi, profileYaml } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase, uniqueSchema, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

for (const kind of databaseKinds()) {
  describe(`kpi test, build and source freshness from the binary on ${kind}`, () => {
    let db: TestDatabase | undefined;
    beforeAll(async () => {
      if (kind === 'postgres') db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db?.close();
    });

    it('prints dbt-shaped test and freshness lines and exits 1 on failures and stale sources', async () => {
      const schema = db ? db.target().schema : uniqueSchema();
      const dir = makeProject({
        'kpi_project.yml': 'name: cli\nprofile: cli\nmodels:\n  cli:\n    +materialized: table\n    raw:\n      +schema: raw\n',
        'profiles.yml': profileYaml('cli', kind, schema),
        'models/m.sql': 'select * from (values (1), (1), (2)) as t(id)',
        'models/raw/events.sql': "select now() - interval '3 days' as loaded_at",
        'models/raw/recent.sql': "select now() - interval '1 minute' as loaded_at",
        'models/schema.yml': `version: 2
models:
  - name: m
    columns:
      - name: id
        tests: [unique, not_null]
sources:
  - name: raw
    schema: ${schema}_raw
    loaded_at_field: loaded_at
    freshness:
      error_after: {count: 1, period: day}
    tables:
      - name: events
      - name: recent
`,
      });
      const env = { DBT_PROFILES_DIR: dir };
      const built = await kpi(['build'], { cwd: dir, env });
      expect(built.stderr).toBe('');
      expect(built.code).toBe(1);
      expect(built.stdout).toMatch(/Found 3 table models, 2 data tests/);
      expect(built.stdout).toMatch(/\d of 5 START test unique_m_id \.+ \[RUN\]/);
      expect(built.stdout).toMatch(/\d of 5 FAIL 1 unique_m_id \.+ \[FAIL 1 in \d+\.\d+s\]/);
      expect(built.stdout).toMatch(/\d of 5 PASS not_null_m_id \.+ \[PASS in \d+\.\d+s\]/);
      expect(built.stdout).toMatch(/Failure in test unique_m_id \(models\/schema\.yml\)\n.* {2}Got 1 result, configured to fail if != 0/);
      expect(built.stdout).toMatch(/compiled code at target\/compiled\/cli\/models\/schema\.yml\/unique_m_id\.sql/);
      expect(built.stdout).toMatch(/Done\. PASS=4 WARN=0 ERROR=1 SKIP=0 TOTAL=5/);

      const stored = await kpi(['test', '--select', 'm', '--store-failures'], { cwd: dir, env });
      expect(stored.code).toBe(1);
      expect(stored.stdout).toMatch(/See test failures:\n.*-{60}\n.*select \* from "[^"]+_dbt_test__audit"\."unique_m_id"/);

      const freshness = await kpi(['source', 'freshness'], { cwd: dir, env });
      expect(freshness.code).toBe(1);
      expect(freshness.stdout).toMatch(/1 of 2 START freshness of raw\.events \.+ \[RUN\]/);
      expect(freshness.stdout).toMatch(/1 of 2 ERROR STALE freshness of raw\.events \.+ \[ERROR STALE in \d+\.\d+s\]/);
      expect(freshness.stdout).toMatch(/2 of 2 PASS freshness of raw\.recent \.+ \[PASS in \d+\.\d+s\]/);
      const fresh = await kpi(['source', 'freshness', '--select', 'source:raw.recent'], { cwd: dir, env });
      expect(fresh.code).toBe(0);
      removeDir(dir);
    });
  });
}
