import type { DispatchConfig } from '../template/macro-scope.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KpiError } from '../errors.js';
import { describeValue } from '../support/describe-value.js';
import type { Diagnostics } from '../support/diagnostics.js';
import { isPlainObject } from '../support/is-plain-object.js';
import type { KeyPolicy } from '../support/key-policy.js';
import { checkConfigTree } from './config-keys.js';
import { renderConfigStrings, type ConfigRenderContext } from './render-config.js';
import { readYamlWith, type YamlCache } from './yaml-cache.js';
import { YamlReader } from './yaml-reader.js';

export const PROJECT_FILES = ['kpi_project.yml', 'dbt_project.yml'] as const;

/** A `models:`/`seeds:`/`tests:` tree as written: package → folders → `+config` keys. */
export type ConfigTree = Record<string, unknown>;

export interface ProjectConfig {
  name: string;
  version: string | null;
  profile: string | null;
  /** Absolute path of the project directory. */
  projectDir: string;
  /** Which file was read: kpi_project.yml or dbt_project.yml. */
  projectFile: string;
  modelPaths: string[];
  seedPaths: string[];
  macroPaths: string[];
  testPaths: string[];
  snapshotPaths: string[];
  analysisPaths: string[];
  docsPaths: string[];
  targetPath: string;
  logPath: string;
  /** Where installed packages live (`packages-install-path`, dbt_packages by default), relative to the project. */
  packagesInstallPath: string;
  cleanTargets: string[];
  vars: Record<string, unknown>;
  models: ConfigTree;
  seeds: ConfigTree;
  tests: ConfigTree;
  sources: ConfigTree;
  snapshots: ConfigTree;
  unitTests: ConfigTree;
  onRunStart: string[];
  onRunEnd: string[];
  dispatch: DispatchConfig[];
  /** `restrict-access`: this project's protected models may not be ref'd from other packages (dbt's default: they may). */
  restrictAccess?: boolean;
  /** Values of the keys that features above the engine declare (LoadOptions.extensionKeys), rendered, unchecked. */
  extensions: Record<string, unknown>;
}

/** The project file's keys: those kpi reads, and those dbt knows that kpi accepts and ignores, as dbt projects carry them. */
const PROJECT_KEYS = {
  known: [
    'name',
    'version',
    'profile',
    'model-paths',
    'source-paths',
    'seed-paths',
    'data-paths',
    'macro-paths',
    'test-paths',
    'snapshot-paths',
    'analysis-paths',
    'docs-paths',
    'target-path',
    'log-path',
    'packages-install-path',
    'clean-targets',
    'on-run-start',
    'on-run-end',
    'vars',
    'models',
    'seeds',
    'snapshots',
    'sources',
    'tests',
    'data_tests',
    'unit_tests',
    'dispatch',
    'restrict-access',
  ],
  tolerated: ['config-version', 'asset-paths', 'query-comment', 'require-dbt-version', 'quoting', 'flags', 'dbt-cloud', 'metrics', 'semantic-models', 'saved-queries', 'exposures'],
  unknown: 'warn',
} as const satisfies KeyPolicy;

const DISPATCH_KEYS: KeyPolicy = { known: ['macro_namespace', 'search_order'], unknown: 'warn' };

/** Config trees: `+key`s in them are node configs (config-keys.ts). */
const CONFIG_TREES = ['models', 'seeds', 'snapshots', 'sources', 'tests', 'data_tests', 'unit_tests'] as const;

/** Hooks are rendered when they run, with the run's context, not when the file is read. */
const RENDER_LATER = new Set(['on-run-start', 'on-run-end', 'pre-hook', 'post-hook', '+pre-hook', '+post-hook', 'pre_hook', 'post_hook', '+pre_hook', '+post_hook']);

export function findProjectFile(projectDir: string): string {
  for (const name of PROJECT_FILES) {
    if (existsSync(join(projectDir, name))) return name;
  }
  throw new KpiError('KPI_PROJECT_NOT_FOUND', `no kpi_project.yml or dbt_project.yml in ${projectDir}`, {
    hint: 'run kpi from the project directory, or pass --project-dir',
  });
}

function stringList(reader: YamlReader, data: Record<string, unknown>, key: string, fallback: string[]): string[] {
  const value = data[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  reader.fail([key], 'must be a list of paths');
  return fallback;
}

function pathValue(reader: YamlReader, data: Record<string, unknown>, key: string, fallback: string): string {
  const value = data[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string' && value !== '') return value;
  reader.fail([key], `must be a path, got ${describeValue(value)}`);
  return fallback;
}

function hookList(reader: YamlReader, data: Record<string, unknown>, key: string): string[] {
  const value = data[key];
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  reader.fail([key], 'must be a SQL statement or a list of them');
  return [];
}

function dispatchList(reader: YamlReader, data: Record<string, unknown>): DispatchConfig[] {
  const dispatch: DispatchConfig[] = [];
  reader.list(data.dispatch, ['dispatch'], 'macro_namespace and search_order entries').forEach((value, index) => {
    const entry = reader.entry(value, ['dispatch', index], DISPATCH_KEYS, 'macro_namespace and search_order');
    if (typeof entry.macro_namespace !== 'string' || !Array.isArray(entry.search_order) || !entry.search_order.every((item) => typeof item === 'string')) {
      reader.fail(['dispatch', index], 'needs macro_namespace (a name) and search_order (a list of package names)');
      return;
    }
    dispatch.push({ macro_namespace: entry.macro_namespace, search_order: entry.search_order as string[] });
  });
  return dispatch;
}

export function loadProjectFile(
  projectDirInput: string,
  diagnostics: Diagnostics,
  context: Omit<ConfigRenderContext, 'projectVars'>,
  extensionKeys: readonly string[] = [],
  yamlCache?: YamlCache,
): ProjectConfig {
  const projectDir = resolve(projectDirInput);
  const projectFile = findProjectFile(projectDir);
  const file = readYamlWith(yamlCache, join(projectDir, projectFile), projectFile);
  if (!isPlainObject(file.data)) {
    throw new KpiError('KPI_CONFIG_INVALID', 'the project file must be a mapping of keys to values', { location: { file: projectFile, line: 1 } });
  }
  const reader = new YamlReader(file, diagnostics);
  const raw = reader.entry(file.data, [], { ...PROJECT_KEYS, known: [...PROJECT_KEYS.known, ...extensionKeys] }, 'keys to values');
  const projectVars = reader.mapping(raw.vars, ['vars'], 'variable names to values');
  const data = renderConfigStrings(raw, { ...context, projectVars }, file, RENDER_LATER) as Record<string, unknown>;

  const name = data.name;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    reader.fail(['name'], 'is required: letters, digits and underscores, not starting with a digit');
  }
  if (data.profile !== undefined && data.profile !== null && typeof data.profile !== 'string') {
    reader.fail(['profile'], 'must be the name of a profile');
  }
  const trees = Object.fromEntries(CONFIG_TREES.map((key) => [key, reader.mapping(data[key], [key], 'package and folder names to configs')])) as Record<(typeof CONFIG_TREES)[number], ConfigTree>;
  for (const key of CONFIG_TREES) checkConfigTree(trees[key], key, diagnostics, (keys) => file.locate(keys));

  return {
    name: typeof name === 'string' ? name : 'project',
    version: data.version === undefined || data.version === null ? null : String(data.version),
    profile: typeof data.profile === 'string' ? data.profile : null,
    projectDir,
    projectFile,
    modelPaths: stringList(reader, data, 'model-paths', stringList(reader, data, 'source-paths', ['models'])),
    seedPaths: stringList(reader, data, 'seed-paths', stringList(reader, data, 'data-paths', ['seeds'])),
    macroPaths: stringList(reader, data, 'macro-paths', ['macros']),
    testPaths: stringList(reader, data, 'test-paths', ['tests']),
    snapshotPaths: stringList(reader, data, 'snapshot-paths', ['snapshots']),
    analysisPaths: stringList(reader, data, 'analysis-paths', ['analyses']),
    docsPaths: stringList(reader, data, 'docs-paths', []),
    targetPath: pathValue(reader, data, 'target-path', 'target'),
    logPath: pathValue(reader, data, 'log-path', 'logs'),
    packagesInstallPath: pathValue(reader, data, 'packages-install-path', 'dbt_packages'),
    cleanTargets: stringList(reader, data, 'clean-targets', ['target']),
    vars: projectVars,
    models: trees.models,
    seeds: trees.seeds,
    tests: { ...trees.tests, ...trees.data_tests },
    sources: trees.sources,
    snapshots: trees.snapshots,
    unitTests: trees.unit_tests,
    onRunStart: hookList(reader, data, 'on-run-start'),
    onRunEnd: hookList(reader, data, 'on-run-end'),
    dispatch: dispatchList(reader, data),
    restrictAccess: data['restrict-access'] === true,
    extensions: Object.fromEntries(extensionKeys.filter((key) => data[key] !== undefined).map((key) => [key, data[key]])),
  };
}
