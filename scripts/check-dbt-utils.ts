/**
 * How much of dbt-utils kpi runs, measured: given a checkout of dbt-labs/dbt-utils, build a
 * scratch project (outside this repository) that installs it as a local package and calls
 * its macros and generic tests, run it on the embedded database and, when a server URL is
 * given, on Postgres, and print a pass/fail table (Markdown with --markdown). Then build
 * dbt-utils' own integration test project (its integration_tests/ folder, unchanged but for
 * the package path) the same way, and print what did not pass.
 *
 *   npx tsx scripts/check-dbt-utils.ts <path to dbt-utils> [--pg-url URL] [--markdown] [--keep]
 *
 * KPI_TEST_PG_URL is used when --pg-url is not given. The scratch project is deleted unless
 * --keep; the schemas it made on the server are dropped.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Adapter } from '../src/adapters/adapter.js';
import { PgliteAdapter } from '../src/adapters/pglite/pglite-adapter.js';
import { PostgresAdapter } from '../src/adapters/postgres/postgres-adapter.js';
import { quoteIdentifier } from '../src/adapters/quote.js';
import { build, deps } from '../src/api.js';
import { targetFromUrl, type TargetConfig } from '../src/config/profiles.js';
import { formatError } from '../src/errors.js';
import type { NodeResult } from '../src/execution/types.js';
import { genericTestChecks, MACRO_CHECKS, PROJECT_FILES, type Check, type Row } from './dbt-utils-checks.js';

interface Options {
  utilsPath: string;
  pgUrl: string | null;
  markdown: boolean;
  keep: boolean;
}

function readOptions(argv: string[]): Options {
  const args = [...argv];
  const flag = (name: string) => {
    const at = args.indexOf(name);
    if (at < 0) return false;
    args.splice(at, 1);
    return true;
  };
  const value = (name: string) => {
    const at = args.indexOf(name);
    if (at < 0) return null;
    const [, given] = args.splice(at, 2);
    return given ?? null;
  };
  const markdown = flag('--markdown');
  const keep = flag('--keep');
  const pgUrl = value('--pg-url') ?? process.env.KPI_TEST_PG_URL ?? null;
  const [utilsPath] = args;
  if (!utilsPath || !existsSync(join(utilsPath, 'dbt_project.yml'))) {
    console.error('usage: npx tsx scripts/check-dbt-utils.ts <path to a dbt-utils checkout> [--pg-url URL] [--markdown] [--keep]');
    process.exit(2);
  }
  return { utilsPath: resolve(utilsPath), pgUrl, markdown, keep };
}

function writeProject(dir: string, utilsPath: string, checks: Check[]): void {
  const files: Record<string, string> = { ...PROJECT_FILES, 'packages.yml': `packages:\n  - local: ${JSON.stringify(utilsPath)}\n` };
  for (const check of checks) Object.assign(files, check.files);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

interface Database {
  name: string;
  adapter: Adapter;
  target: TargetConfig;
  close(): Promise<void>;
}

async function openDatabase(kind: 'PGlite' | 'Postgres', pgUrl: string | null): Promise<Database> {
  const schema = `kpi_utils_check_${randomBytes(3).toString('hex')}`;
  if (kind === 'PGlite') {
    const db = await PGlite.create();
    const adapter = await PgliteAdapter.open({ db });
    return {
      name: kind,
      adapter,
      target: { type: 'pglite', name: 'dev', profileName: 'utils_check', schema, threads: 2, path: null },
      close: async () => {
        await adapter.close();
        await db.close();
      },
    };
  }
  const adapter = new PostgresAdapter({ url: pgUrl as string, poolSize: 3 });
  return {
    name: kind,
    adapter,
    target: targetFromUrl(pgUrl as string, schema, 2),
    close: async () => {
      await adapter.withConnection(async (connection) => {
        const made = await connection.query<{ nspname: string }>("select nspname from pg_namespace where nspname = $1 or nspname like $1 || '\\_%'", [schema]);
        for (const row of made.rows) await connection.query(`drop schema if exists ${quoteIdentifier(row.nspname)} cascade`);
      });
      await adapter.close();
    },
  };
}

/** What went wrong with one check on one database, or null when it passed. */
async function judge(check: Check, results: NodeResult[], query: (sql: string) => Promise<Row[]>): Promise<string | null> {
  for (const expected of check.nodes) {
    const result = results.find((candidate) => candidate.unique_id === expected.id || (expected.id.endsWith('.') && candidate.unique_id.startsWith(expected.id)));
    if (!result) return `${expected.id} was not built`;
    if (result.status !== expected.status)
      return `${result.unique_id.split('.').slice(0, 3).join('.')}: ${result.status}${result.message ? ` (${result.message.split('\n')[0]})` : ''}, expected ${expected.status}`;
    if (expected.failures !== undefined && result.failures !== expected.failures) return `${result.unique_id.split('.')[2]}: ${result.failures} failures, expected ${expected.failures}`;
    if (expected.message && !expected.message.test(result.message ?? '')) return `${result.unique_id}: message ${JSON.stringify(result.message)} does not match ${expected.message}`;
  }
  if (!check.verify) return null;
  try {
    return await check.verify(query);
  } catch (error) {
    return `verifying: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
}

/** Build the project and judge each check; `null` when the project as a whole does not build. */
async function buildAndJudge(database: Database, dir: string, checks: Check[]): Promise<Map<string, string | null> | { error: string }> {
  let results: NodeResult[];
  try {
    const summary = await build({ projectDir: dir, targetConfig: database.target, adapter: database.adapter, partialParse: false });
    results = summary.results;
  } catch (error) {
    return { error: formatError(error) };
  }
  const schema = quoteIdentifier(database.target.schema);
  const query = (sql: string) => database.adapter.withConnection(async (connection) => (await connection.query<Row>(sql.replace(/\$schema/g, schema))).rows);
  const outcome = new Map<string, string | null>();
  for (const check of checks) outcome.set(check.name, await judge(check, results, query));
  return outcome;
}

/** A check in a project of its own (with the shared seeds and the helper models other checks declare). */
async function runAlone(database: Database, utilsPath: string, check: Check, all: Check[]): Promise<string | null> {
  const dir = mkdtempSync(join(tmpdir(), 'kpi-utils-check-one-'));
  try {
    const helpers = all.filter((other) => other !== check && Object.keys(other.files).some((path) => path.startsWith('models/data_')));
    writeProject(dir, utilsPath, [check, ...helpers.map((other) => ({ ...other, files: Object.fromEntries(Object.entries(other.files).filter(([path]) => path.startsWith('models/data_'))) }))]);
    deps({ projectDir: dir });
    const outcome = await buildAndJudge(database, dir, [check]);
    if (check.parseError) {
      if (outcome instanceof Map) return 'the project parsed, but this call must stop it with a compiler error';
      return check.parseError.test(outcome.error) ? null : `parse failed, but with: ${outcome.error.split('\n')[0]}`;
    }
    return outcome instanceof Map ? (outcome.get(check.name) ?? null) : outcome.error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The checks in one project; a check that must stop the parse runs alone. When the shared
 * project does not parse (a template error stops a dbt parse too), each check runs alone, so
 * one failure does not hide the others.
 */
async function runOn(database: Database, dir: string, utilsPath: string, checks: Check[]): Promise<Map<string, string | null>> {
  const outcome = new Map<string, string | null>();
  const together = checks.filter((check) => !check.parseError);
  const shared = await buildAndJudge(database, dir, together);
  for (const check of checks) {
    if (!check.parseError && shared instanceof Map) outcome.set(check.name, shared.get(check.name) ?? null);
    else outcome.set(check.name, await runAlone(database, utilsPath, check, checks));
  }
  return outcome;
}

function printTable(checks: Check[], columns: Array<{ name: string; outcome: Map<string, string | null> }>, markdown: boolean): void {
  const cell = (problem: string | null | undefined) => (problem === undefined ? 'not run' : problem === null ? 'pass' : 'FAIL');
  const header = ['check', ...columns.map((column) => column.name), 'detail'];
  const rows = checks.map((check) => {
    const problems = columns.map((column) => column.outcome.get(check.name));
    const detail = [...new Set(problems.filter((problem): problem is string => typeof problem === 'string'))].join('; ');
    return [check.name, ...problems.map(cell), detail];
  });
  if (markdown) {
    console.log(`| ${header.join(' | ')} |`);
    console.log(`|${header.map(() => '---').join('|')}|`);
    for (const row of rows) console.log(`| ${row.map((text) => text.replace(/\|/g, '\\|')).join(' | ')} |`);
  } else {
    const widths = header.map((_, index) => Math.max(...[header, ...rows].map((row) => (index === header.length - 1 ? 0 : row[index].length))));
    for (const row of [header, ...rows]) console.log(row.map((text, index) => (index === row.length - 1 ? text : text.padEnd(widths[index]))).join('  '));
  }
  const passed = rows.filter((row) => row.slice(1, -1).every((text) => text === 'pass' || text === 'not run')).length;
  console.log(`\n${passed} of ${rows.length} checks pass on ${columns.map((column) => column.name).join(' and ')}`);
}

/** dbt-utils' integration_tests project, built as `kpi deps && kpi build` would: counts by status, and what did not pass. */
async function runIntegrationTests(database: Database, utilsPath: string): Promise<{ counts: Record<string, number>; problems: string[] } | { error: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kpi-utils-integration-'));
  try {
    cpSync(join(utilsPath, 'integration_tests'), dir, { recursive: true });
    writeFileSync(join(dir, 'packages.yml'), `packages:\n  - local: ${JSON.stringify(utilsPath)}\n`);
    deps({ projectDir: dir });
    const summary = await build({ projectDir: dir, targetConfig: database.target, adapter: database.adapter, partialParse: false });
    const counts: Record<string, number> = {};
    const problems: string[] = [];
    for (const result of summary.results) {
      counts[result.status] = (counts[result.status] ?? 0) + 1;
      if (result.status !== 'success' && result.status !== 'pass') problems.push(`${result.status} ${result.unique_id}: ${(result.message ?? '').split('\n')[0]}`);
    }
    return { counts, problems };
  } catch (error) {
    return { error: formatError(error) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printIntegration(name: string, outcome: Awaited<ReturnType<typeof runIntegrationTests>>, markdown: boolean): void {
  const bullet = markdown ? '- ' : '  ';
  if ('error' in outcome) {
    console.log(`${bullet}${name}: the project did not build: ${outcome.error}`);
    return;
  }
  const total = Object.values(outcome.counts).reduce((sum, count) => sum + count, 0);
  console.log(
    `${bullet}${name}: ${total} nodes: ${Object.entries(outcome.counts)
      .map(([status, count]) => `${count} ${status}`)
      .join(', ')}`,
  );
  for (const problem of outcome.problems) console.log(`${markdown ? '  - ' : '    '}${problem}`);
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const checks = [...MACRO_CHECKS, ...genericTestChecks()];
  const dir = mkdtempSync(join(tmpdir(), 'kpi-utils-check-'));
  try {
    writeProject(
      dir,
      options.utilsPath,
      checks.filter((check) => !check.parseError),
    );
    const installed = deps({ projectDir: dir });
    console.error(`scratch project ${dir}: ${installed.map((report) => `${report.name} ${report.action}`).join(', ')}`);
    const columns: Array<{ name: string; outcome: Map<string, string | null> }> = [];
    for (const kind of options.pgUrl ? (['PGlite', 'Postgres'] as const) : (['PGlite'] as const)) {
      const database = await openDatabase(kind, options.pgUrl);
      try {
        columns.push({ name: kind, outcome: await runOn(database, dir, options.utilsPath, checks) });
      } finally {
        await database.close();
      }
    }
    printTable(checks, columns, options.markdown);
    console.log(`\ndbt-utils' own integration tests (integration_tests/, kpi deps + kpi build):`);
    for (const kind of options.pgUrl ? (['PGlite', 'Postgres'] as const) : (['PGlite'] as const)) {
      const database = await openDatabase(kind, options.pgUrl);
      try {
        printIntegration(kind, await runIntegrationTests(database, options.utilsPath), options.markdown);
      } finally {
        await database.close();
      }
    }
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
