/**
 * Public dbt packages' own integration test projects, built by kpi unchanged: each package
 * (a pinned tarball of ../shared/third-party, or a checkout given on the command line) is
 * extracted to a temporary folder, the packages it installs from the hub are vendored into
 * its integration_tests/dbt_packages/ (kpi cannot download), and `kpi deps` then `kpi build`
 * run there, on the embedded database and, with a server URL, on Postgres. The figures
 * (seeds, models and tests passing of those enabled, per database) and every node that did
 * not pass are printed, and written to docs/dbt-packages.md with --write.
 *
 *   npx tsx scripts/check-dbt-packages.ts [--pg-url URL] [--only NAME] [--write] [--keep]
 *       [--source NAME=PATH[#COMMIT] ...]   a checkout (or .tar.gz) to use instead of the pinned
 *                                           tarball; packages with none (dbt-audit-helper,
 *                                           dbt-codegen, dbt-project-evaluator) run only when
 *                                           given one
 *
 * KPI_TEST_PG_URL is used when --pg-url is not given. Nothing from the packages is written
 * into this repository; the schemas made on the server are dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { Adapter } from '../src/adapters/adapter.js';
import { PgliteAdapter } from '../src/adapters/pglite/pglite-adapter.js';
import { PostgresAdapter } from '../src/adapters/postgres/postgres-adapter.js';
import { quoteIdentifier } from '../src/adapters/quote.js';
import { deps, execute, runOperation } from '../src/api.js';
import { targetFromUrl, type TargetConfig } from '../src/config/profiles.js';
import { formatError, KpiError } from '../src/errors.js';
import type { NodeResult, RunEvent } from '../src/execution/types.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const THIRD_PARTY = resolve(REPO, '../shared/third-party');

/** A package whose integration_tests/ project is built, and the hub packages it needs vendored. */
interface PackageProject {
  name: string;
  /** The pinned tarball in ../shared/third-party; null for a package run only from a checkout given with --source. */
  tarball: string | null;
  /** Macros the CI runs with run-operation before building (dbt-codegen creates its source table). */
  operations?: string[];
  /** The CI's --exclude selectors. */
  exclude?: string[];
  /** The commands its CI runs after deps, in order (default: build); a test with no ref runs only after `seed` and `run` this way, as there. */
  commands?: Array<'seed' | 'run' | 'test' | 'build'>;
  /** Other packages (by their names here) copied into integration_tests/dbt_packages/<folder>. */
  vendor: Array<{ from: string; folder: string }>;
  /** What dbt's own Postgres CI runs there. */
  ci: string;
}

const PROJECTS: PackageProject[] = [
  { name: 'dbt-utils', tarball: 'dbt-utils-700764ce.tar.gz', vendor: [], ci: '`dbt deps`, `dbt build --target postgres --full-refresh` (run_test.sh)' },
  {
    name: 'dbt-expectations',
    tarball: 'dbt-expectations-c7dc2af8.tar.gz',
    vendor: [{ from: 'dbt-date-calogica', folder: 'dbt_date' }],
    ci: '`dbt deps`, `dbt build -t postgres` (.circleci/config.yml)',
  },
  {
    name: 'dbt-date',
    tarball: 'dbt-date-godatadriven-e706de96.tar.gz',
    vendor: [],
    commands: ['run', 'test'],
    ci: '`dbt deps`, `dbt run`, `dbt test` with `--target postgres` (mise.toml `test:postgres`)',
  },
  { name: 'dbt-date-calogica', tarball: 'dbt-date-calogica-3580a09d.tar.gz', vendor: [], ci: '`dbt deps`, `dbt build -t postgres` (.circleci/config.yml)' },
  // Other public packages, with no pinned tarball: run when a checkout is given (--source NAME=PATH#COMMIT).
  {
    name: 'dbt-audit-helper',
    tarball: null,
    vendor: [{ from: 'dbt-utils', folder: 'dbt_utils' }],
    exclude: ['tag:skip+'],
    commands: ['seed', 'run', 'test'],
    ci: '`dbt deps`, `dbt seed`, `dbt run`, `dbt test` with `--exclude tag:skip+ tag:temporary_skip+` (.circleci/config.yml; kpi refuses an --exclude naming a tag no node has, so `tag:temporary_skip+` is left out)',
  },
  {
    name: 'dbt-codegen',
    tarball: null,
    vendor: [{ from: 'dbt-utils', folder: 'dbt_utils' }],
    operations: ['create_source_table'],
    commands: ['seed', 'run', 'test'],
    ci: '`dbt deps`, `dbt run-operation create_source_table`, `dbt seed`, `dbt run`, `dbt test` (tox.ini)',
  },
  {
    name: 'dbt-project-evaluator',
    tarball: null,
    vendor: [{ from: 'dbt-utils', folder: 'dbt_utils' }],
    ci: '`dbt deps`, `dbt build --full-refresh` (run_tox_tests.sh, its first project)',
  },
];

interface Options {
  pgUrl: string | null;
  only: string[];
  write: boolean;
  keep: boolean;
  sources: Map<string, string>;
  commits: Map<string, string>;
}

function readOptions(argv: string[]): Options {
  const options: Options = { pgUrl: process.env.KPI_TEST_PG_URL ?? null, only: [], write: false, keep: false, sources: new Map(), commits: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--pg-url') options.pgUrl = argv[++i] ?? null;
    else if (arg === '--only') options.only.push(argv[++i] ?? '');
    else if (arg === '--write') options.write = true;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--source') {
      const [name, given] = (argv[++i] ?? '').split('=');
      if (!name || !given) usage(`--source takes NAME=PATH (or NAME=PATH#COMMIT, the commit named in the report)`);
      const [path, commit] = given.split('#');
      options.sources.set(name, resolve(path));
      if (commit) options.commits.set(name, commit);
    } else usage(`unknown argument ${arg}`);
  }
  return options;
}

function usage(problem: string): never {
  console.error(`${problem}\nusage: npx tsx scripts/check-dbt-packages.ts [--pg-url URL] [--only NAME] [--write] [--keep] [--source NAME=PATH]`);
  process.exit(2);
}

/** The package's root folder (holding dbt_project.yml), unpacked or copied under `dir`. */
function unpack(project: PackageProject, options: Options, dir: string): string {
  const given = options.sources.get(project.name);
  if (!given && !project.tarball) throw new Error(`${project.name} has no pinned tarball: give a checkout with --source ${project.name}=PATH`);
  const source = given ?? join(THIRD_PARTY, project.tarball as string);
  const into = join(dir, project.name);
  mkdirSync(into, { recursive: true });
  if (statSync(source).isDirectory()) {
    cpSync(source, into, { recursive: true, filter: (path) => !/[/\\](\.git|target|dbt_packages|logs)$/.test(path) });
    return into;
  }
  execFileSync('tar', ['xzf', source, '-C', into]);
  const [top] = readdirSync(into);
  return join(into, top);
}

interface Database {
  name: 'PGlite' | 'Postgres';
  /** The server's version (`show server_version`), for the report. */
  version: string;
  adapter: Adapter;
  target: TargetConfig;
  close(): Promise<void>;
}

async function serverVersion(adapter: Adapter): Promise<string> {
  return adapter.withConnection(async (connection) => (await connection.query<{ server_version: string }>('show server_version')).rows[0].server_version.split(' ')[0]);
}

async function openDatabase(kind: Database['name'], pgUrl: string | null): Promise<Database> {
  const schema = `kpi_pkg_check_${randomBytes(3).toString('hex')}`;
  if (kind === 'PGlite') {
    const db = await PGlite.create();
    const adapter = await PgliteAdapter.open({ db });
    return {
      name: kind,
      version: await serverVersion(adapter),
      adapter,
      target: { type: 'pglite', name: 'postgres', profileName: 'integration_tests', schema, threads: 4, path: null },
      close: async () => {
        await adapter.close();
        await db.close();
      },
    };
  }
  const adapter = new PostgresAdapter({ url: pgUrl as string, poolSize: 4 });
  return {
    name: kind,
    version: await serverVersion(adapter),
    adapter,
    target: { ...targetFromUrl(pgUrl as string, schema, 4), name: 'postgres' },
    close: async () => {
      await adapter.withConnection(async (connection) => {
        const made = await connection.query<{ nspname: string }>("select nspname from pg_namespace where nspname = $1 or nspname like $1 || '\\_%'", [schema]);
        for (const row of made.rows) await connection.query(`drop schema if exists ${quoteIdentifier(row.nspname)} cascade`);
      });
      await adapter.close();
    },
  };
}

/** Why a node is known not to pass: a deliberate difference of kpi's (docs/dbt-differences.md). */
const KNOWN: Array<{ node: RegExp; why: string }> = [
  {
    node: /^test\.dbt_project_evaluator_integration_tests\./,
    why: "dbt-project-evaluator's models read dbt's `graph` context (every node, source and exposure with its paths and configs) and compare what they find with seeds; kpi's `graph` holds less (no exposures, fewer fields): not yet analysed test by test",
  },
];

type Kind = 'seed' | 'model' | 'test';
interface Outcome {
  /** Per resource kind: passed of run. */
  counts: Record<Kind, { passed: number; total: number }>;
  problems: string[];
  /** Tests that warned: a pass for the project's CI (its dbt commands exit 0), listed apart. */
  warned: string[];
  /** Parse warnings (a resource kpi skips would say so here). */
  warnings: string[];
  /** Nodes the project's own config disables on this target. */
  disabled: number;
  error?: string;
}

function kindOf(uniqueId: string): Kind | null {
  const type = uniqueId.split('.')[0];
  if (type === 'seed' || type === 'model') return type;
  if (type === 'test' || type === 'unit_test') return 'test';
  return null;
}

async function runProject(project: PackageProject, database: Database, options: Options): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), `kpi-${project.name}-`));
  const outcome: Outcome = { counts: { seed: { passed: 0, total: 0 }, model: { passed: 0, total: 0 }, test: { passed: 0, total: 0 } }, problems: [], warned: [], warnings: [], disabled: 0 };
  try {
    const root = unpack(project, options, dir);
    const integration = join(root, 'integration_tests');
    for (const { from, folder } of project.vendor) {
      const other = PROJECTS.find((candidate) => candidate.name === from);
      if (!other) throw new Error(`no package ${from} to vendor`);
      cpSync(unpack(other, options, join(dir, 'vendor')), join(integration, 'dbt_packages', folder), { recursive: true });
    }
    deps({ projectDir: integration });
    for (const macro of project.operations ?? []) await runOperation({ projectDir: integration, targetConfig: database.target, adapter: database.adapter, macro });
    const onEvent = (event: RunEvent) => {
      if (event.type === 'diagnostic' && event.diagnostic.severity === 'warning')
        outcome.warnings.push(formatError(new KpiError(event.diagnostic.code, event.diagnostic.message, { location: event.diagnostic.location })));
    };
    for (const command of project.commands ?? ['build']) {
      const summary = await execute(command, { projectDir: integration, targetConfig: database.target, adapter: database.adapter, partialParse: false, exclude: project.exclude, onEvent });
      tally(summary.results, outcome);
    }
    const manifest = JSON.parse(readFileSync(join(integration, 'target/manifest.json'), 'utf8')) as { disabled?: Record<string, unknown> };
    outcome.disabled = Object.keys(manifest.disabled ?? {}).length;
  } catch (error) {
    outcome.error = formatError(error);
  } finally {
    if (options.keep) console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  return outcome;
}

function tally(results: NodeResult[], outcome: Outcome): void {
  for (const result of results) {
    const kind = kindOf(result.unique_id);
    if (!kind) continue;
    outcome.counts[kind].total++;
    if (result.status === 'success' || result.status === 'pass') outcome.counts[kind].passed++;
    else if (result.status === 'warn') {
      outcome.counts[kind].passed++;
      outcome.warned.push(`${result.unique_id}: ${(result.message ?? '').split('\n')[0]}`);
    } else outcome.problems.push(`${result.status} ${result.unique_id}: ${(result.message ?? '').split('\n')[0]}`);
  }
}

function figures(outcome: Outcome): string {
  if (outcome.error) return 'did not build';
  const warned = outcome.warned.length > 0 ? ` (${outcome.warned.length} warn)` : '';
  return (['seed', 'model', 'test'] as const).map((kind) => `${outcome.counts[kind].passed} of ${outcome.counts[kind].total}${kind === 'test' ? warned : ''}`).join(' | ');
}

/** The commit a report names: the pinned tarball's, or the one given with --source NAME=PATH#COMMIT. */
function commitOf(project: PackageProject, options: Options): string {
  if (options.sources.has(project.name)) return options.commits.get(project.name) ?? 'a checkout';
  return (
    project.tarball
      ?.replace(/\.tar\.gz$/, '')
      .split('-')
      .pop() ?? '?'
  );
}

function report(results: Array<{ project: PackageProject; database: Database['name']; outcome: Outcome }>, pgliteVersion: string, versions: Map<string, string>, options: Options): string {
  const lines = [
    "# dbt packages' integration tests on kpi",
    '',
    'Generated by `npx tsx scripts/check-dbt-packages.ts --write` (do not edit by hand). Each',
    "package's own `integration_tests/` project, unchanged, is extracted from the pinned tarball in",
    '`../shared/third-party/` (or copied from a checkout given with `--source`, for packages with',
    'no pinned tarball) to a temporary folder; the packages it installs from the hub are',
    'vendored into its `dbt_packages/` (kpi cannot download); then `kpi deps`, the operations its',
    'CI runs first (`kpi run-operation`), and `kpi build` (or the `seed`, `run`, `test` its CI runs',
    "one after the other, with its CI's `--exclude`) run there.",
    'Nodes the project disables for Postgres (its own `enabled:` config on `target.type`) are',
    'not built, as in dbt. "Passing" is what passes the project\'s CI (its dbt commands exit 0):',
    '`success` for seeds and models, `pass` for tests, and `warn` for a test the project gives',
    "`severity: warn` (listed below: dbt-expectations' moving-standard-deviation tests read",
    'data made with `random()`, so they may warn on any run, in dbt as in kpi).',
    '',
    `Embedded database: PGlite ${pgliteVersion} (PostgreSQL ${versions.get('PGlite') ?? '?'}).${versions.has('Postgres') ? ` Server: PostgreSQL ${versions.get('Postgres')}.` : ' No server was given (--pg-url).'}`,
    '',
    '| package | what its Postgres CI runs | database | seeds | models | tests (data and unit) | disabled by the project |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { project, database, outcome } of results) {
    const source = `${project.name} (${commitOf(project, options)})`;
    lines.push(outcome.error ? `| ${source} | ${project.ci} | ${database} | did not build | | | |` : `| ${source} | ${project.ci} | ${database} | ${figures(outcome)} | ${outcome.disabled} |`);
  }
  const failing = results.filter(({ outcome }) => outcome.error || outcome.problems.length > 0);
  lines.push('', '## What did not pass', '');
  if (failing.length === 0) lines.push('Nothing: every node built and every test passed on both databases.');
  for (const { project, database, outcome } of failing) {
    lines.push(`- ${project.name} on ${database}:`);
    if (outcome.error) lines.push(`  - did not build: ${outcome.error.split('\n')[0]}`);
    for (const problem of outcome.problems) {
      const known = KNOWN.find((entry) => entry.node.test(problem.split(' ')[1]?.replace(/:$/, '') ?? ''));
      lines.push(`  - ${problem}${known ? ` — ${known.why}` : ''}`);
    }
  }
  const warnedTests = results.filter(({ outcome }) => outcome.warned.length > 0);
  lines.push('', '## Tests that warned (severity: warn)', '');
  if (warnedTests.length === 0) lines.push('None on this run.');
  for (const { project, database, outcome } of warnedTests) {
    lines.push(`- ${project.name} on ${database}:`);
    for (const test of outcome.warned) lines.push(`  - ${test}`);
  }
  const warned = results.filter(({ outcome }) => outcome.warnings.length > 0);
  lines.push('', '## Warnings kpi gave while parsing', '');
  if (warned.length === 0) lines.push('None.');
  for (const { project, database, outcome } of warned) {
    lines.push(`- ${project.name} on ${database}:`);
    for (const warning of [...new Set(outcome.warnings)]) lines.push(`  - ${warning.split('\n')[0]}`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  // A package with no pinned tarball runs only when its checkout is given.
  const projects = PROJECTS.filter((project) => (options.only.length === 0 ? project.tarball !== null || options.sources.has(project.name) : options.only.includes(project.name)));
  const kinds: Array<Database['name']> = options.pgUrl ? ['PGlite', 'Postgres'] : ['PGlite'];
  const results: Array<{ project: PackageProject; database: Database['name']; outcome: Outcome }> = [];
  const versions = new Map<string, string>();
  for (const project of projects) {
    for (const kind of kinds) {
      const database = await openDatabase(kind, options.pgUrl);
      versions.set(kind, database.version);
      const started = Date.now();
      try {
        const outcome = await runProject(project, database, options);
        results.push({ project, database: kind, outcome });
        console.error(`${project.name} on ${kind} (${((Date.now() - started) / 1000).toFixed(0)} s): ${outcome.error ? `did not build: ${outcome.error}` : figures(outcome)}`);
        for (const problem of [...outcome.problems, ...outcome.warned.map((test) => `warn ${test}`)]) console.error(`  ${problem}`);
      } finally {
        await database.close();
      }
    }
  }
  const { version } = JSON.parse(readFileSync(join(REPO, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string };
  const text = report(results, version, versions, options);
  if (options.write) {
    writeFileSync(join(REPO, 'docs/dbt-packages.md'), text);
    console.error('wrote docs/dbt-packages.md');
  } else process.stdout.write(text);
  if (results.some(({ outcome }) => outcome.error || outcome.problems.length > 0)) process.exitCode = 1;
}

if (!existsSync(THIRD_PARTY)) console.error(`note: ${THIRD_PARTY} not found; give each package with --source NAME=PATH`);
await main();
