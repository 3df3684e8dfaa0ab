import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceFreshness } from '../../src/api.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { eventLog } from '../helpers/events.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

for (const kind of databaseKinds()) {
  describe(`kpi source freshness on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    it('judges each source by warn_after / error_after, writes target/sources.json, and fails on error-level staleness', async () => {
      const target = db.target();
      const raw = `${target.schema}_raw`;
      await db.query(`create schema "${raw}"`);
      await db.query(`create table "${raw}".fresh as select now() - interval '10 minutes' as loaded_at`);
      await db.query(`create table "${raw}".late as select now() - interval '3 hours' as loaded_at union all select now() - interval '30 hours'`);
      // A timestamp without time zone is read as UTC, as dbt reads it.
      await db.query(`create table "${raw}".stale as select (now() at time zone 'UTC') - interval '2 days' as loaded_at`);
      await db.query(`create table "${raw}".filtered as select now() - interval '5 minutes' as loaded_at, 'test' as kind union all select now() - interval '2 hours', 'real'`);
      await db.query(`create table "${raw}".empty (loaded_at timestamptz)`);
      await db.query(`create table "${raw}".unchecked as select now() - interval '9 days' as loaded_at`);
      const dir = makeProject({
        'kpi_project.yml': 'name: fresh\n',
        'models/sources.yml': `version: 2
sources:
  - name: raw
    schema: ${raw}
    loaded_at_field: loaded_at
    freshness:
      warn_after: {count: 1, period: hour}
      error_after: {count: 1, period: day}
    tables:
      - name: fresh
      - name: late
      - name: stale
      - name: filtered
        freshness:
          filter: "kind = 'real'"
      - name: empty
      - name: missing
      - name: unchecked
        freshness: null
  - name: unmeasured
    schema: ${raw}
    freshness:
      warn_after: {count: 1, period: hour}
    tables:
      - name: fresh
`,
      });
      const log = eventLog();
      const summary = await sourceFreshness({ projectDir: dir, targetConfig: target, adapter: db.adapter, onEvent: log.onEvent });
      expect(summary.success).toBe(false);
      expect(summary.results.map((result) => [result.unique_id, result.status])).toEqual([
        ['source.fresh.raw.empty', 'runtime error'],
        ['source.fresh.raw.filtered', 'warn'],
        ['source.fresh.raw.fresh', 'pass'],
        ['source.fresh.raw.late', 'warn'],
        ['source.fresh.raw.missing', 'runtime error'],
        ['source.fresh.raw.stale', 'error'],
      ]);
      const byId = Object.fromEntries(summary.results.map((result) => [result.unique_id.split('.').pop(), result]));
      // The age kpi reports agrees with one computed here, to within the seconds between the two queries.
      for (const [table, where] of [
        ['fresh', ''],
        ['late', ''],
        ['filtered', "where kind = 'real'"],
      ]) {
        const [expected] = await db.query<{ age: number }>(`select extract(epoch from now() - max(loaded_at))::float8 as age from "${raw}".${table} ${where}`);
        const reported = byId[table];
        expect(reported.status !== 'runtime error' && reported.max_loaded_at_time_ago_in_s).toBeCloseTo(expected.age, -1);
      }
      const stale = byId.stale;
      if (stale.status === 'runtime error') throw new Error('stale should have been measured');
      expect(stale.max_loaded_at_time_ago_in_s).toBeGreaterThan(2 * 86400 - 60);
      expect(stale.max_loaded_at_time_ago_in_s).toBeLessThan(2 * 86400 + 60);
      expect(stale.max_loaded_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
      expect(byId.filtered).toMatchObject({
        criteria: { warn_after: { count: 1, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: "kind = 'real'" },
      });
      expect(byId.empty).toMatchObject({ status: 'runtime error', error: expect.stringMatching(/raw\.empty has no loaded_at to measure/) });
      expect(byId.missing).toMatchObject({ status: 'runtime error', error: expect.stringMatching(/Database error in source raw\.missing: .*does not exist/) });
      expect(log.diagnostics()).toEqual([
        expect.objectContaining({ severity: 'warning', code: 'KPI_SOURCE_FRESHNESS', message: expect.stringMatching(/unmeasured\.fresh has freshness rules but no loaded_at_field/) }),
      ]);

      const written = JSON.parse(readFileSync(join(dir, 'target/sources.json'), 'utf8'));
      expect(written.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/sources/v3.json');
      expect(written.results).toEqual(JSON.parse(JSON.stringify(summary.results)));
      expect(written.results[1]).toMatchObject({ thread_id: 'Thread-1', adapter_response: { code: 'SELECT', rows_affected: 1 }, timing: [{ name: 'execute' }] });

      // Warnings alone pass; --output puts the results elsewhere.
      const selected = await sourceFreshness({ projectDir: dir, targetConfig: target, adapter: db.adapter, select: ['source:raw.fresh', 'source:raw.late'], output: 'out/freshness.json' });
      expect(selected.success).toBe(true);
      expect(JSON.parse(readFileSync(join(dir, 'out/freshness.json'), 'utf8')).results.map((result: { status: string }) => result.status)).toEqual(['pass', 'warn']);
      removeDir(dir);
    });
  });
}

describe('freshness configuration', () => {
  it('reports a bad period or count at its YAML line', async () => {
    const dir = makeProject({
      'kpi_project.yml': 'name: badfresh\n',
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    loaded_at_field: at\n    freshness:\n      warn_after: {count: 1, period: hours}\n    tables:\n      - name: t\n',
    });
    const error = await sourceFreshness({ projectDir: dir, targetConfig: { type: 'pglite', name: 'dev', profileName: 'test', schema: 's', threads: 1, path: null } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({
      code: 'KPI_CONFIG_INVALID',
      message: expect.stringMatching(/period must be minute, hour or day, not "hours"\. Did you mean 'hour'\?/),
      location: { file: 'models/sources.yml', line: 6 },
    });
    removeDir(dir);
  });
});
