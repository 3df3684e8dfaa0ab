import type { DispatchConfig } from '../template/macro-scope.js';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KpiError } from '../errors.js';
import { checkUnknownKey, type Diagnostics } from '../support/diagnostics.js';
import { renderConfigStrings, type ConfigRenderContext } from './render-config.js';
import { readYamlFile, type YamlFile } from './yaml-file.js';

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
  /** Values of the keys that features above the engine declare (LoadOptions.extensionKeys), rendered, unchecked. */
  extensions: Record<string, unknown>;
}

/** Keys dbt knows; those we do not act on are accepted and ignored, as dbt projects carry them. */
const KNOWN_KEYS = [
  'name',
  'version',
  'config-version',
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
  'asset-paths',
  'target-path',
  'log-path',
  'packages-install-path',
  'clean-targets',
  'query-comment',
  'require-dbt-version',
  'quoting',
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
  'flags',
  'dispatch',
  'restrict-access',
  'dbt-cloud',
  'metrics',
  'semantic-models',
  'saved-queries',
  'exposures',
];

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

function stringList(file: YamlFile, data: Record<string, unknown>, key: string, fallback: string[], diagnostics: Diagnostics): string[] {
  const value = data[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  diagnostics.error('KPI_CONFIG_INVALID', `'${key}' must be a list of paths`, file.locate([key]));
  return fallback;
}

function hookList(file: YamlFile, data: Record<string, unknown>, key: string, diagnostics: Diagnostics): string[] {
  const value = data[key];
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  diagnostics.error('KPI_CONFIG_INVALID', `'${key}' must be a SQL statement or a list of them`, file.locate([key]));
  return [];
}

function tree(file: YamlFile, data: Record<string, unknown>, key: string, diagnostics: Diagnostics): ConfigTree {
  const value = data[key];
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as ConfigTree;
  diagnostics.error('KPI_CONFIG_INVALID', `'${key}' must be a mapping`, file.locate([key]));
  return {};
}

export function loadProjectFile(projectDirInput: string, diagnostics: Diagnostics, context: Omit<ConfigRenderContext, 'projectVars'>, extensionKeys: readonly string[] = []): ProjectConfig {
  const projectDir = resolve(projectDirInput);
  const projectFile = findProjectFile(projectDir);
  const file = readYamlFile(join(projectDir, projectFile), projectFile);
  if (typeof file.data !== 'object' || file.data === null || Array.isArray(file.data)) {
    throw new KpiError('KPI_CONFIG_INVALID', 'the project file must be a mapping of keys to values', { location: { file: projectFile, line: 1 } });
  }
  const raw = file.data as Record<string, unknown>;
  const knownKeys = [...KNOWN_KEYS, ...extensionKeys];
  for (const key of Object.keys(raw)) {
    if (!knownKeys.includes(key)) checkUnknownKey(diagnostics, key, knownKeys, key, file.locate([key]));
  }
  const varsValue = raw.vars ?? {};
  if (typeof varsValue !== 'object' || Array.isArray(varsValue)) {
    diagnostics.error('KPI_CONFIG_INVALID', "'vars' must be a mapping", file.locate(['vars']));
  }
  const projectVars = (typeof varsValue === 'object' && !Array.isArray(varsValue) ? varsValue : {}) as Record<string, unknown>;
  const data = renderConfigStrings(raw, { ...context, projectVars }, file, RENDER_LATER) as Record<string, unknown>;

  const name = data.name;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    diagnostics.error('KPI_CONFIG_INVALID', "'name' is required: letters, digits and underscores, not starting with a digit", file.locate(['name']));
  }
  if (data.profile !== undefined && data.profile !== null && typeof data.profile !== 'string') {
    diagnostics.error('KPI_CONFIG_INVALID', "'profile' must be the name of a profile", file.locate(['profile']));
  }
  const dispatch = Array.isArray(data.dispatch) ? (data.dispatch as DispatchConfig[]) : [];
  dispatch.forEach((entry, index) => {
    if (typeof entry?.macro_namespace !== 'string' || !Array.isArray(entry.search_order)) {
      diagnostics.error('KPI_CONFIG_INVALID', 'each dispatch entry needs macro_namespace and search_order', file.locate(['dispatch', index]));
    }
  });
  const testsTree = { ...tree(file, data, 'tests', diagnostics), ...tree(file, data, 'data_tests', diagnostics) };

  return {
    name: typeof name === 'string' ? name : 'project',
    version: data.version === undefined || data.version === null ? null : String(data.version),
    profile: typeof data.profile === 'string' ? data.profile : null,
    projectDir,
    projectFile,
    modelPaths: stringList(file, data, 'model-paths', stringList(file, data, 'source-paths', ['models'], diagnostics), diagnostics),
    seedPaths: stringList(file, data, 'seed-paths', stringList(file, data, 'data-paths', ['seeds'], diagnostics), diagnostics),
    macroPaths: stringList(file, data, 'macro-paths', ['macros'], diagnostics),
    testPaths: stringList(file, data, 'test-paths', ['tests'], diagnostics),
    snapshotPaths: stringList(file, data, 'snapshot-paths', ['snapshots'], diagnostics),
    analysisPaths: stringList(file, data, 'analysis-paths', ['analyses'], diagnostics),
    docsPaths: stringList(file, data, 'docs-paths', [], diagnostics),
    targetPath: typeof data['target-path'] === 'string' ? (data['target-path'] as string) : 'target',
    logPath: typeof data['log-path'] === 'string' ? (data['log-path'] as string) : 'logs',
    packagesInstallPath: typeof data['packages-install-path'] === 'string' ? (data['packages-install-path'] as string) : 'dbt_packages',
    cleanTargets: stringList(file, data, 'clean-targets', ['target'], diagnostics),
    vars: projectVars,
    models: tree(file, data, 'models', diagnostics),
    seeds: tree(file, data, 'seeds', diagnostics),
    tests: testsTree,
    sources: tree(file, data, 'sources', diagnostics),
    snapshots: tree(file, data, 'snapshots', diagnostics),
    unitTests: tree(file, data, 'unit_tests', diagnostics),
    onRunStart: hookList(file, data, 'on-run-start', diagnostics),
    onRunEnd: hookList(file, data, 'on-run-end', diagnostics),
    dispatch,
    extensions: Object.fromEntries(extensionKeys.filter((key) => data[key] !== undefined).map((key) => [key, data[key]])),
  };
}
