import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdentifier } from '../../src/adapters/quote.js';
import { build, deps } from '../../src/api.js';
import type { NodeResult } from '../../src/execution/types.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { integrationProject } from '../helpers/dbt-packages.js';
import { removeDir } from '../helpers/fixtures.js';

/**
 * Public packages' own integration test projects, run unchanged as their Postgres CI runs
 * them (`dbt deps`, `dbt build`). The counts are the projects' own, read from their files:
 * every data test declared in their YAML and tests/, less those their config disables on
 * Postgres. scripts/check-dbt-packages.ts writes the same runs' figures to docs/dbt-packages.md.
 */
const PROJECTS: Array<{ name: string; tarball: string; vendored: Record<string, string>; seeds: number; models: number; tests: number }> = [
  // 75 seed files; 51 models, one ephemeral (not run); 108 YAML tests + 6 singular, less the
  // one it disables itself (dbt-utils#788) and the one on a model that does not exist.
  { name: 'dbt-utils', tarball: 'dbt-utils-700764ce.tar.gz', vendored: {}, seeds: 75, models: 50, tests: 112 },
  // 158 tests declared; one is `enabled: "{{ target.type in ['bigquery', 'trino'] }}"`.
  { name: 'dbt-expectations', tarball: 'dbt-expectations-c7dc2af8.tar.gz', vendored: { dbt_date: 'dbt-date-calogica-3580a09d.tar.gz' }, seeds: 0, models: 12, tests: 157 },
  // 9 models; test_compile_time_disabled is `enabled=dbt_date.is_after("9999-12-31")`.
  { name: 'dbt-date', tarball: 'dbt-date-godatadriven-e706de96.tar.gz', vendored: {}, seeds: 0, models: 8, tests: 65 },
];

/**
 * dbt-expectations' stdev tests (all on its `timeseries_*` models) read `100 * abs(random())` rows, so
 * their outcome is chance, in its own CI too: the moving-stdev ones warn now and then
 * (`severity: warn`), and the grouped one with `sigma_threshold: 1` and a flipped fail_calc
 * fails whenever none of its four group sums lies a standard deviation from their mean.
 * They must run; their result is not asserted.
 */
const RANDOM_DATA_TEST = /expect_column_values_to_be_within_n_(moving_)?stdevs/;

function counts(results: readonly NodeResult[]): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const result of results) byType[result.unique_id.split('.')[0]] = (byType[result.unique_id.split('.')[0]] ?? 0) + 1;
  return byType;
}

async function schemaNames(db: TestDatabase): Promise<Set<string>> {
  return new Set((await db.query<{ nspname: string }>('select nspname from pg_namespace')).map((row) => row.nspname));
}

/**
 * A project may name its own schemas (dbt-expectations' generate_schema_name keeps
 * `dbt_expectations_integration_tests` as it is), which the test database's clean-up, by the
 * target schema's name, does not find: the schemas its nodes were built in that did not exist
 * before its build are dropped (the target's own are left to that clean-up). Only those: other
 * test files share the server meanwhile.
 */
async function dropSchemasMadeBy(projectDir: string, db: TestDatabase, before: ReadonlySet<string>, targetSchema: string): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(projectDir, 'target', 'manifest.json'), 'utf8')) as { nodes: Record<string, { schema?: string }> };
  const built = new Set(Object.values(manifest.nodes).map((node) => node.schema));
  const ownedByTarget = (schema: string) => schema === targetSchema || schema.startsWith(`${targetSchema}_`);
  for (const schema of built) if (schema && !before.has(schema) && !ownedByTarget(schema)) await db.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`);
}

for (const kind of databaseKinds()) {
  describe(`public packages' integration_tests on ${kind}`, () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await db.close();
    });

    for (const project of PROJECTS) {
      it(`${project.name}: kpi deps && kpi build passes every node its Postgres CI runs`, async () => {
        const { root, project: dir } = integrationProject(project.tarball, project.vendored);
        deps({ projectDir: dir });
        const before = await schemaNames(db);
        const target = db.target();
        const summary = await build({ projectDir: dir, targetConfig: target, adapter: db.adapter, partialParse: false });
        const failing = summary.results.filter(
          (result) => result.status !== 'success' && result.status !== 'pass' && !((result.status === 'warn' || result.status === 'fail') && RANDOM_DATA_TEST.test(result.unique_id)),
        );
        expect(failing.map((result) => `${result.status} ${result.unique_id}: ${result.message}`)).toEqual([]);
        expect(counts(summary.results)).toEqual({ ...(project.seeds ? { seed: project.seeds } : {}), model: project.models, test: project.tests });
        await dropSchemasMadeBy(dir, db, before, target.schema);
        removeDir(root);
      }, 120_000);
    }
  });
}
