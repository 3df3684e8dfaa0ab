import { quoteIdentifier } from '../adapters/quote.js';
import type { Diagnostics } from '../support/diagnostics.js';
import type { LoadedProject } from '../config/load-project.js';
import { closestMatch, type SourceLocation } from '../errors.js';
import type { PropertyFiles, SourceTablePatch } from './property-files.js';
import { pickByPackage, pickVersion } from './resolve-ref.js';
import { parseConstraintTarget, type ConstraintTarget } from './read-constraints.js';
import type { DocBlock, MacroDefinition, Manifest, ManifestNode, SourceDefinition } from '../manifest/types.js';
import { KPI_VERSION } from '../manifest/version.js';

/** The property-file section of each resource type a `ref()` reaches (dbt's ref lookup). */
const SECTIONS = { model: 'models', seed: 'seeds', snapshot: 'snapshots', analysis: 'analyses' } as const;
const REFABLE = new Set(['model', 'seed', 'snapshot']);

export const MANIFEST_SCHEMA = 'https://schemas.getdbt.com/dbt/manifest/v12.json';

export interface ManifestInput {
  loaded: LoadedProject;
  nodes: ManifestNode[];
  sourcePatches: SourceTablePatch[];
  macros: MacroDefinition[];
  docs: Record<string, DocBlock>;
  properties: PropertyFiles;
  /** Installed packages' property files: their sources, and their entries for nodes that must exist. */
  packageProperties?: Array<{ packageName: string; properties: PropertyFiles }>;
  diagnostics: Diagnostics;
  invocationId: string;
  now: Date;
  database: string;
}

export function sourceDefinition(patch: SourceTablePatch, packageName: string, database: string): SourceDefinition {
  const schema = patch.schema ?? patch.sourceName;
  return {
    unique_id: `source.${packageName}.${patch.sourceName}.${patch.name}`,
    resource_type: 'source',
    name: patch.name,
    source_name: patch.sourceName,
    package_name: packageName,
    identifier: patch.identifier,
    database: patch.database ?? database,
    schema,
    relation_name: `${quoteIdentifier(schema)}.${quoteIdentifier(patch.identifier)}`,
    loader: patch.loader,
    loaded_at_field: patch.loadedAtField,
    freshness: patch.freshness,
    description: patch.description,
    source_description: patch.sourceDescription,
    columns: patch.columns,
    tags: patch.tags,
    meta: patch.meta,
    config: { ...patch.config, enabled: patch.config.enabled === undefined ? true : Boolean(patch.config.enabled) },
    original_file_path: patch.file,
    path: patch.file,
    fqn: [packageName, patch.sourceName, patch.name],
    created_at: 0,
  };
}

/** Where in a node's file `ref('name')` is written (the file alone when it is not found there). */
export function refLocation(node: ManifestNode, name: string): SourceLocation {
  const pattern = new RegExp(`ref\\s*\\(\\s*(?:['"][^'"]*['"]\\s*,\\s*)?['"]${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`);
  const match = pattern.exec(node.raw_code);
  if (!match) return { file: node.original_file_path };
  const before = node.raw_code.slice(0, match.index);
  const line = before.split('\n').length;
  return { file: node.original_file_path, line, column: match.index - before.lastIndexOf('\n') };
}

/** Resolve refs and sources into edges, and assemble the manifest in dbt's shape (parent_map and child_map are left to addGovernance). */
export function buildManifest(input: ManifestInput): Manifest {
  const { loaded, diagnostics } = input;
  const packageName = loaded.config.name;
  const nodes: Record<string, ManifestNode> = {};
  const disabled: Record<string, ManifestNode[]> = {};
  // Names are unique within a package; packages may reuse them (refs pick by dbt's package order).
  const byName = new Map<string, ManifestNode[]>();
  const relations = new Map<string, ManifestNode>();
  for (const node of input.nodes) {
    if (!node.config.enabled) {
      (disabled[node.unique_id] ??= []).push(node);
      continue;
    }
    // Tests are never ref'd: they stay out of the name lookup, so a test cannot shadow a model.
    if (node.resource_type === 'test') {
      nodes[node.unique_id] = node;
      continue;
    }
    const existing = byName.get(node.name)?.find((other) => other.package_name === node.package_name && String(other.version ?? '') === String(node.version ?? ''));
    if (existing) {
      diagnostics.error(
        'KPI_DUPLICATE_NODE',
        `two resources are named '${node.name}': ${existing.original_file_path} and ${node.original_file_path}`,
        { file: node.original_file_path },
        'rename one of them; model, seed and snapshot names share one namespace',
      );
      continue;
    }
    if (node.relation_name) {
      const key = `${node.database}.${node.relation_name}`;
      const other = relations.get(key);
      if (other) {
        diagnostics.error(
          'KPI_DUPLICATE_NODE',
          `'${node.unique_id}' and '${other.unique_id}' would both build ${node.relation_name}`,
          { file: node.original_file_path },
          'give one of them another alias or schema in its config',
        );
        continue;
      }
      relations.set(key, node);
    }
    byName.set(node.name, [...(byName.get(node.name) ?? []), node]);
    nodes[node.unique_id] = node;
  }

  const sources: Record<string, SourceDefinition> = {};
  const packageSources = [
    { packageName, properties: input.properties, patches: input.sourcePatches },
    ...(input.packageProperties ?? []).map((entry) => ({ ...entry, patches: entry.properties.sources })),
  ];
  for (const { packageName: owner, patches } of packageSources) {
    for (const patch of patches) {
      const source = sourceDefinition(patch, owner, input.database);
      if (source.config.enabled) sources[source.unique_id] = source;
    }
  }
  const sourcesByName = new Map<string, SourceDefinition[]>();
  for (const source of Object.values(sources)) {
    const key = `${source.source_name}.${source.name}`;
    sourcesByName.set(key, [...(sourcesByName.get(key) ?? []), source]);
  }

  for (const { packageName: owner, properties } of packageSources) {
    for (const patch of properties.nodes) {
      const named = (byName.get(patch.name) ?? []).filter((node) => node.package_name === owner);
      if (named.some((node) => node.resource_type === patch.resourceType)) continue;
      // dbt's WrongResourceSchemaFile: the entry's tests are the other node's (parseTests),
      // its other properties apply to nothing.
      const other = patch.resourceType === 'analysis' ? undefined : named.find((node) => REFABLE.has(node.resource_type));
      if (other) {
        const section = SECTIONS[other.resource_type as keyof typeof SECTIONS];
        diagnostics.warn(
          'KPI_CONFIG_INVALID',
          `'${patch.name}' is a ${other.resource_type}, but its properties are given under ${SECTIONS[patch.resourceType]}:; as in dbt, only the entry's data tests are used (on the ${other.resource_type})`,
          patch.location,
          `move the '${patch.name}' entry under ${section}:`,
        );
        continue;
      }
      diagnostics.warn('KPI_NOT_FOUND', `properties are given for ${patch.resourceType} '${patch.name}', which does not exist`, patch.location);
    }
  }

  const disabledNames = new Set(
    Object.values(disabled)
      .flat()
      .map((node) => node.name),
  );
  const allNames = [...byName.keys()];
  for (const node of Object.values(nodes)) {
    const parents: string[] = [];
    for (const ref of node.refs) {
      const target = pickByPackage(pickVersion(byName.get(ref.name), ref.version), ref.package, node.package_name, packageName);
      if (target) {
        parents.push(target.unique_id);
        if (target.deprecation_date && Date.parse(target.deprecation_date) < input.now.getTime()) {
          diagnostics.warn('KPI_CONFIG_INVALID', `'${node.name}' refers to ${target.name}.v${target.version}, deprecated since ${target.deprecation_date}`, refLocation(node, ref.name));
        }
        continue;
      }
      if (ref.version !== null && ref.version !== undefined && byName.has(ref.name)) {
        diagnostics.error('KPI_REF_NOT_FOUND', `'${node.name}' refers to version ${ref.version} of '${ref.name}', which has no such version`, refLocation(node, ref.name));
        continue;
      }
      if (disabledNames.has(ref.name)) {
        diagnostics.error('KPI_REF_NOT_FOUND', `'${node.name}' refers to '${ref.name}', which is disabled`, refLocation(node, ref.name), `enable '${ref.name}' or remove the ref`);
        continue;
      }
      const match = closestMatch(ref.name, allNames);
      const where = ref.package ? ` in package '${ref.package}'` : '';
      diagnostics.error(
        'KPI_REF_NOT_FOUND',
        `'${node.name}' refers to '${ref.name}'${where}, which does not exist.${match && match !== ref.name ? ` Did you mean '${match}'?` : ''}`,
        refLocation(node, ref.name),
      );
    }
    for (const [sourceName, tableName] of node.sources) {
      const source = pickByPackage(sourcesByName.get(`${sourceName}.${tableName}`), null, node.package_name, packageName);
      if (source) {
        parents.push(source.unique_id);
        continue;
      }
      const candidates = Object.values(sources).map((candidate) => `${candidate.source_name}.${candidate.name}`);
      const match = closestMatch(`${sourceName}.${tableName}`, candidates);
      diagnostics.error('KPI_SOURCE_NOT_FOUND', `'${node.name}' uses source('${sourceName}', '${tableName}'), which no sources: entry declares.${match ? ` Did you mean '${match}'?` : ''}`, {
        file: node.original_file_path,
      });
    }
    node.depends_on.nodes = [...new Set([...node.depends_on.nodes, ...parents])];
    resolveConstraintTargets(node, (target) =>
      target.kind === 'ref'
        ? pickByPackage(pickVersion(byName.get(target.name), target.version), target.package, node.package_name, packageName)?.relation_name
        : pickByPackage(sourcesByName.get(`${target.source}.${target.table}`), null, node.package_name, packageName)?.relation_name,
    );
  }

  const manifest: Manifest = {
    metadata: {
      dbt_schema_version: MANIFEST_SCHEMA,
      kpi_version: KPI_VERSION,
      generated_at: input.now.toISOString(),
      invocation_id: input.invocationId,
      project_name: packageName,
      adapter_type: 'postgres',
      target_name: loaded.target.name,
    },
    nodes,
    sources,
    macros: Object.fromEntries(input.macros.map((macro) => [macro.unique_id, macro])),
    docs: input.docs,
    exposures: {},
    metrics: {},
    groups: {},
    selectors: {},
    disabled,
    // Filled by addGovernance (computeMaps), once exposures are in: computed here too, they were built twice a parse.
    parent_map: {},
    child_map: {},
  };
  return manifest;
}

/** parent_map / child_map from each node's depends_on, as dbt writes them. */
export function computeMaps(manifest: Manifest): void {
  const parentMap: Record<string, string[]> = {};
  const childMap: Record<string, string[]> = {};
  for (const id of [...Object.keys(manifest.nodes), ...Object.keys(manifest.sources), ...Object.keys(manifest.exposures ?? {})]) {
    parentMap[id] = [];
    childMap[id] = [];
  }
  for (const node of [...Object.values(manifest.nodes), ...Object.values(manifest.exposures ?? {})]) {
    for (const parent of node.depends_on.nodes) {
      parentMap[node.unique_id].push(parent);
      (childMap[parent] ??= []).push(node.unique_id);
    }
  }
  for (const list of [...Object.values(parentMap), ...Object.values(childMap)]) list.sort();
  manifest.parent_map = parentMap;
  manifest.child_map = childMap;
}

/** A foreign key's `to` as the relation it names, which the DDL references (unknown names were reported with the refs). */
function resolveConstraintTargets(node: ManifestNode, relationOf: (target: ConstraintTarget) => string | null | undefined): void {
  for (const constraint of [...(node.constraints ?? []), ...Object.values(node.columns).flatMap((column) => column.constraints ?? [])]) {
    const target = constraint.to ? parseConstraintTarget(constraint.to) : null;
    if (target) constraint.to_relation = relationOf(target) ?? null;
  }
}
