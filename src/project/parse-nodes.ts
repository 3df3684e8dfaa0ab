import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Relation } from '../adapters/relation.js';
import type { Diagnostics } from '../support/diagnostics.js';
import type { LoadedProject } from '../config/load-project.js';
import type { ProjectConfig } from '../config/project-file.js';
import type { InstalledPackage } from '../config/load-packages.js';
import { KpiError, closestMatch } from '../errors.js';
import type { ContextHost, TargetContext } from '../template/node-context.js';
import { renderFile } from '../template/render-template.js';
import { callStatic } from '../template/static-template.js';
import type { DiscoveredFile } from './discover-files.js';
import type { SourceReader } from '../support/read-sources.js';
import { checkConfigKey, configFromTree, finalizeConfig, mergeConfig, normalizeConfigKey } from './node-config.js';
import { sha256 } from './checksum.js';
import type { ProjectRuntime } from '../template/project-runtime.js';
import type { ModelVersionPatch, NodePatch, PropertyFiles } from './property-files.js';
import type { DocBlock, ManifestNode, NodeConfig, NodeRef, ResourceType } from '../manifest/types.js';
import { MODEL_MATERIALIZATIONS, NOT_YET_BUILT } from '../manifest/materializations.js';
import { applyContract } from './model-contract.js';
import { findNodePatch, findVersionPatch } from './patch-index.js';

export interface ParseContext {
  loaded: LoadedProject;
  runtime: ProjectRuntime;
  target: TargetContext;
  docs: Record<string, DocBlock>;
  diagnostics: Diagnostics;
  invocationId: string;
  now: Date;
  flags: Record<string, unknown>;
  /** The installed package whose files are being parsed; absent for the root project's. */
  package?: InstalledPackage;
  /** Names every template sees, from the project's config files (template-globals.ts). */
  templateGlobals?: Record<string, unknown>;
  /** Read files whose Jinja is only static ref/source/config calls without rendering them (static-template.ts). */
  staticParser?: boolean;
  /** Where model and analysis files are read (ahead, on a thread, for a big first parse); absent: read here. */
  sources?: SourceReader;
}

function readSource(file: DiscoveredFile, context: ParseContext): Promise<string> | string {
  return context.sources ? context.sources.text(file.absolute) : readFileSync(file.absolute, 'utf8');
}

/** What a template's host needs of the parse; run-time renders build one from their session (compile/). */
export type HostContext = Pick<ParseContext, 'loaded' | 'target' | 'docs' | 'invocationId' | 'now' | 'flags' | 'templateGlobals' | 'package'>;

/** The project file of the files being parsed: the root project's, or the package's. */
export function ownProject(context: Pick<ParseContext, 'loaded' | 'package'>): ProjectConfig {
  return context.package?.config ?? context.loaded.config;
}

/**
 * A node's configs from project files, as dbt layers them: its own project's `section` tree
 * (`own`); and for a node of a package, the root project's tree (`root`), which dbt applies
 * last, over property files and in-file `config()` — how a project overrides a package.
 */
export function projectFileConfigs(
  context: Pick<ParseContext, 'loaded' | 'package'>,
  section: 'models' | 'seeds' | 'snapshots' | 'tests',
  packageName: string,
  path: readonly string[],
): { own: Record<string, unknown>; root: Record<string, unknown> } {
  const own = configFromTree(ownProject(context)[section], packageName, path);
  const root = context.package ? configFromTree(context.loaded.config[section], packageName, path) : {};
  return { own, root };
}

/** The vars of a node's package when it is an installed package (below the root project's). */
export function packageVarsOf(loaded: LoadedProject, packageName: string): Record<string, unknown> | undefined {
  if (packageName === loaded.config.name) return undefined;
  return loaded.packages?.find((installed) => installed.name === packageName)?.config.vars;
}

/** `doc('name')` as descriptions and templates use it. */
export function resolveDoc(docs: Record<string, DocBlock>, name: string, packageName: string | null, projectName: string): string {
  const block = docs[`doc.${packageName ?? projectName}.${name}`] ?? Object.values(docs).find((doc) => doc.name === name);
  if (!block) {
    throw new KpiError('KPI_COMPILER_ERROR', `doc('${name}') names no {% docs %} block`, {
      hint: `define {% docs ${name} %}...{% enddocs %} in a .md file under the models folder`,
    });
  }
  return block.block_contents;
}

/** The context fields every parse-time render shares. */
export interface CollectedCalls {
  refs: NodeRef[];
  sources: Array<[string, string]>;
}

/** A parse-time host that records the node's ref() and source() calls and hands its config() values to `onConfig`. */
export function recordingHost(context: HostContext, node: ManifestNode, onConfig: (values: Record<string, unknown>) => void): { host: ContextHost; calls: CollectedCalls } {
  const calls: CollectedCalls = { refs: [], sources: [] };
  const host = parseHost(context, node, {
    ref: (name, pkg, version) => {
      calls.refs.push({ name, package: pkg, version });
      return Relation.create(context.target.schema, name, null, context.target.database);
    },
    source: (sourceName, tableName) => {
      calls.sources.push([sourceName, tableName]);
      return Relation.create(sourceName, tableName, null, context.target.database);
    },
    setConfig: onConfig,
  });
  return { host, calls };
}

export function parseHost(context: HostContext, node: ManifestNode, overrides: Partial<ContextHost>): ContextHost {
  const { loaded } = context;
  return {
    execute: false,
    packageName: node.package_name,
    cliVars: loaded.cliVars,
    projectVars: loaded.config.vars,
    packageVars: packageVarsOf(loaded, node.package_name),
    env: loaded.env,
    target: context.target,
    invocationId: context.invocationId,
    runStartedAt: context.now,
    flags: context.flags,
    ref: (name) => Relation.create(context.target.schema, name, null, context.target.database),
    source: (sourceName, tableName) => Relation.create(sourceName, tableName, null, context.target.database),
    setConfig: () => undefined,
    getConfig: (key) => node.config[key],
    thisRelation: Relation.create(context.target.schema, node.name, null, context.target.database),
    model: node as unknown as Record<string, unknown>,
    isIncremental: () => false,
    doc: (name, pkg) => resolveDoc(context.docs, name, pkg, node.package_name),
    graph: () => ({}),
    log: () => undefined,
    ...overrides,
    extra: { ...context.templateGlobals, ...overrides.extra },
  };
}

function folderParts(file: DiscoveredFile): string[] {
  const parts = file.pathInFolder.split('/');
  parts.pop();
  return parts;
}

function findPatch(properties: PropertyFiles, resourceType: NodePatch['resourceType'], name: string): NodePatch | undefined {
  return findNodePatch(properties.nodes, resourceType, name);
}

function renderDescription(text: string, context: ParseContext): string {
  if (!text.includes('{{')) return text;
  return text.replace(/\{\{\s*doc\(\s*(?:['"]([\w]+)['"]\s*,\s*)?['"]([\w]+)['"]\s*\)\s*\}\}/g, (_, pkg: string | undefined, name: string) =>
    resolveDoc(context.docs, name, pkg ?? null, ownProject(context).name),
  );
}

/**
 * A model's config before its own is computed: parseModelFile always replaces it (before a
 * render can read it), so 10,000 models need not each build and drop the defaults. Frozen, so
 * a write to it would fail loudly instead of reaching every model.
 */
const MODEL_CONFIG_PENDING: NodeConfig = deepFreeze(finalizeConfig('model', {}));

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

export function baseNode(resourceType: ResourceType, file: DiscoveredFile, name: string, rawCode: string, checksum: string, context: HostContext, pendingConfig = false): ManifestNode {
  const packageName = ownProject(context).name;
  return {
    unique_id: `${resourceType}.${packageName}.${name}`,
    resource_type: resourceType,
    name,
    package_name: packageName,
    path: file.pathInFolder,
    original_file_path: file.path,
    patch_path: null,
    fqn: [packageName, ...folderParts(file), name],
    language: 'sql',
    raw_code: rawCode,
    checksum: { name: 'sha256', checksum },
    config: pendingConfig && resourceType === 'model' ? MODEL_CONFIG_PENDING : finalizeConfig(resourceType, {}),
    tags: [],
    description: '',
    columns: {},
    meta: {},
    docs: { show: true },
    refs: [],
    sources: [],
    depends_on: { nodes: [], macros: [] },
    database: context.target.database,
    schema: context.target.schema,
    alias: name,
    relation_name: null,
    created_at: context.now.getTime() / 1000,
  };
}

function applyPatch(node: ManifestNode, patch: NodePatch | undefined, context: ParseContext): void {
  if (!patch) return;
  node.patch_path = `${node.package_name}://${patch.file}`;
  node.description = renderDescription(patch.description, context);
  node.columns = Object.fromEntries(Object.entries(patch.columns).map(([name, column]) => [name, { ...column, description: renderDescription(column.description, context) }]));
  node.meta = patch.meta;
  node.docs = patch.docs;
  for (const key of Object.keys(patch.config)) {
    checkConfigKey(normalizeConfigKey(key), [patch.name, 'config', key], context.diagnostics, () => patch.configLocation(key));
  }
}

/**
 * Make the file's ref(), source() and config() calls on `host`: without rendering when its
 * Jinja is static (dbt's static parser), else by rendering it. A static file whose calls fail
 * (a config value kpi refuses) is rendered after `reset`, so the error is the renderer's, at its line.
 */
async function collectCalls(context: ParseContext, file: DiscoveredFile, raw: string, checksum: string, host: ContextHost, reset: () => void, rendering?: () => void): Promise<void> {
  const template = context.staticParser ? context.runtime.staticTemplate(`${file.path}:${checksum}`, raw) : null;
  if (template) {
    try {
      for (const part of template.parts) if (typeof part !== 'string') callStatic(host, part);
      return;
    } catch {
      reset();
    }
  }
  rendering?.();
  await renderFile(context.runtime, `${file.path}:${checksum}`, raw, host, file.path, reset);
}

function lineOf(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text);
  if (!match) return undefined;
  return text.slice(0, match.index).split('\n').length;
}

export async function parseModelFile(file: DiscoveredFile, properties: PropertyFiles, context: ParseContext): Promise<ManifestNode> {
  const raw = await readSource(file, context);
  const versioned = findVersion(properties, basename(file.path, '.sql'));
  const name = versioned?.patch.name ?? basename(file.path, '.sql');
  const checksum = sha256(raw);
  const node = baseNode('model', file, name, raw, checksum, context, true);
  const patch = versioned ? versionPatch(versioned.patch, versioned.version) : findPatch(properties, 'model', name);
  if (versioned) applyVersion(node, versioned.patch, versioned.version, context);
  applyPatch(node, patch, context);
  const projectConfigs = projectFileConfigs(context, 'models', node.package_name, [...folderParts(file), name]);
  let config = mergeConfig(projectConfigs.own, patch?.config ?? {});
  let inFile: Record<string, unknown> = {};
  // A render may read the node's config between its config() calls (`config.get`, `model.config`), so
  // it follows each call then; the static parser's calls read nothing, and the config is computed once after them.
  let live = false;
  const provisional = () => {
    live = true;
    node.config = finalizeConfig('model', mergeConfig(mergeConfig(config, inFile), projectConfigs.root));
  };

  const { host, calls } = recordingHost(context, node, (values) => {
    inFile = mergeConfig(inFile, values);
    if (live) node.config = finalizeConfig('model', mergeConfig(mergeConfig(config, inFile), projectConfigs.root));
  });
  await collectCalls(
    context,
    file,
    raw,
    checksum,
    host,
    () => {
      inFile = {};
      calls.refs.length = 0;
      calls.sources.length = 0;
      provisional();
    },
    provisional,
  );

  const configLine = lineOf(raw, /config\s*\(/);
  for (const key of Object.keys(inFile)) {
    checkConfigKey(normalizeConfigKey(key), [name, 'config', key], context.diagnostics, () => ({ file: file.path, line: configLine }));
  }
  config = mergeConfig(mergeConfig(config, inFile), projectConfigs.root);
  node.config = finalizeConfig('model', config);
  node.tags = node.config.tags;
  node.refs = dedupeRefs(calls.refs);
  node.sources = dedupeSources(calls.sources);
  const materialized = node.config.materialized;
  const known: readonly string[] = MODEL_MATERIALIZATIONS;
  if (!known.includes(materialized)) {
    const match = closestMatch(materialized, known, 3);
    const what = NOT_YET_BUILT.includes(materialized) ? 'a dbt materialization kpi does not build yet' : `which kpi does not know.${match ? ` Did you mean '${match}'?` : ''}`;
    context.diagnostics.error('KPI_MATERIALIZATION_UNKNOWN', `model '${name}' has materialized='${materialized}', ${what}`, { file: file.path, line: configLine }, `use one of: ${known.join(', ')}`);
  }
  applyContract(node, patch, context.diagnostics, { file: file.path, line: configLine });
  node.refs = dedupeRefs(node.refs);
  node.sources = dedupeSources(node.sources);
  return node;
}

/**
 * An analysis (`analyses/*.sql`): parsed like a model, for its refs and configs, and compiled
 * into target/compiled/ by `kpi compile`, never run, as dbt treats analyses.
 */
export async function parseAnalysisFile(file: DiscoveredFile, properties: PropertyFiles, context: ParseContext): Promise<ManifestNode> {
  const raw = await readSource(file, context);
  const name = basename(file.path, '.sql');
  const checksum = sha256(raw);
  const node = baseNode('analysis', file, name, raw, checksum, context);
  const patch = findPatch(properties, 'analysis', name);
  applyPatch(node, patch, context);
  const config = patch?.config ?? {};
  let inFile: Record<string, unknown> = {};
  const finish = () => finalizeConfig('analysis', mergeConfig(config, inFile));
  node.config = finish();
  const { host, calls } = recordingHost(context, node, (values) => {
    inFile = mergeConfig(inFile, values);
    node.config = finish();
  });
  await collectCalls(context, file, raw, checksum, host, () => {
    inFile = {};
    calls.refs.length = 0;
    calls.sources.length = 0;
    node.config = finish();
  });
  node.config = finish();
  node.tags = node.config.tags;
  node.refs = dedupeRefs(calls.refs);
  node.sources = dedupeSources(calls.sources);
  return node;
}

/** The model version a file defines (`defined_in`, or `<model>_v<v>`), with its model's properties. */
function findVersion(properties: PropertyFiles, fileName: string): { patch: NodePatch; version: ModelVersionPatch } | undefined {
  return findVersionPatch(properties.nodes, fileName);
}

/** The latest version: `latest_version`, or the greatest `v` (numbers compared as numbers), as dbt. */
export function latestVersion(patch: NodePatch): string | number | null {
  if (patch.latestVersion !== null) return patch.latestVersion;
  const versions = patch.versions.map((entry) => entry.v);
  if (versions.length === 0) return null;
  return versions.reduce((a, b) => (Number(a) >= Number(b) && !Number.isNaN(Number(a)) ? a : b));
}

/** A version's properties: the model's, its columns kept as `include`/`exclude` say and its own added, its config over the model's. */
function versionPatch(patch: NodePatch, version: ModelVersionPatch): NodePatch {
  const kept = Object.entries(patch.columns).filter(([name]) => (version.include === 'all' || version.include.includes(name)) && !version.exclude.includes(name));
  return {
    ...patch,
    description: version.description ?? patch.description,
    columns: { ...Object.fromEntries(kept), ...version.columns },
    config: { ...patch.config, ...version.config },
  };
}

/** A versioned model's identity: `model.pkg.m.v2`, its version and the latest; a past deprecation date warns. */
function applyVersion(node: ManifestNode, patch: NodePatch, version: ModelVersionPatch, context: ParseContext): void {
  node.unique_id = `${node.unique_id}.v${version.v}`;
  node.fqn = [...node.fqn, `v${version.v}`];
  node.version = version.v;
  node.latest_version = latestVersion(patch);
  node.deprecation_date = version.deprecationDate ?? patch.deprecationDate;
  if (node.deprecation_date && Date.parse(node.deprecation_date) < context.now.getTime()) {
    context.diagnostics.warn('KPI_CONFIG_INVALID', `model ${node.name}.v${version.v} is deprecated since ${node.deprecation_date}`, version.location, 'move its refs to a newer version');
  }
}

export function parseSeedFile(file: DiscoveredFile, properties: PropertyFiles, context: ParseContext): ManifestNode {
  const name = basename(file.path, '.csv');
  // The bytes, not decoded text: seeds can be large, and decoding would only cost time.
  const checksum = sha256(readFileSync(file.absolute));
  const node = baseNode('seed', file, name, '', checksum, context);
  const patch = findPatch(properties, 'seed', name);
  applyPatch(node, patch, context);
  const projectConfigs = projectFileConfigs(context, 'seeds', node.package_name, [...folderParts(file), name]);
  const config = mergeConfig(mergeConfig(projectConfigs.own, patch?.config ?? {}), projectConfigs.root);
  node.config = finalizeConfig('seed', { ...config, materialized: 'seed' });
  node.tags = node.config.tags;
  node.seed_file_path = file.path;
  return node;
}

function dedupeRefs(refs: NodeRef[]): NodeRef[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = `${ref.package ?? ''}.${ref.name}.${ref.version ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function dedupeSources(sources: Array<[string, string]>): Array<[string, string]> {
  const seen = new Set<string>();
  return sources.filter(([source, table]) => {
    const key = `${source}.${table}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
