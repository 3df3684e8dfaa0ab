import { posix } from 'node:path';
import type { Catalog, CatalogTable } from '../artifacts/build-catalog.js';
import type { ColumnInfo, ExposureDefinition, Manifest, ManifestNode, SourceDefinition } from '../manifest/types.js';
import type { DocsColumn, DocsData, DocsNode, DocsResourceType, DocsStat } from './docs-data.js';

const SHOWN_TYPES: ReadonlySet<string> = new Set(['model', 'seed', 'snapshot', 'test', 'unit_test', 'analysis']);

function configText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (Array.isArray(value)) {
    const items = value.map((item) => (item && typeof item === 'object' && 'sql' in item ? String((item as { sql: unknown }).sql) : typeof item === 'object' ? JSON.stringify(item) : String(item)));
    return items.length > 0 ? items.join(', ') : null;
  }
  // `persist_docs: {relation: false, columns: false}` and the like are defaults, not settings.
  if (typeof value === 'object') return Object.values(value).some((inner) => inner !== false && inner !== null && inner !== undefined) ? JSON.stringify(value) : null;
  return String(value);
}

/** The config keys a reader cares about, in a stable order: the ones set, not the empty defaults. */
function configRows(config: Record<string, unknown>): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  for (const key of Object.keys(config).sort()) {
    if (key === 'enabled' && config[key] === true) continue;
    const text = configText(config[key]);
    if (text !== null) rows.push([key, text]);
  }
  return rows;
}

function stats(table: CatalogTable | undefined): DocsStat[] {
  if (!table) return [];
  return Object.values(table.stats)
    .filter((stat) => stat.include)
    .map((stat) => ({ label: stat.label, value: stat.value, description: stat.description }));
}

/** YAML columns described, merged with the relation's real columns: the relation's order, then documented columns it lacks. */
function mergeColumns(documented: Record<string, ColumnInfo>, table: CatalogTable | undefined, tests: Map<string, DocsColumn['tests']>): DocsColumn[] {
  const columns: DocsColumn[] = [];
  const seen = new Set<string>();
  const find = (name: string): ColumnInfo | undefined => documented[name] ?? Object.values(documented).find((column) => column.name.toLowerCase() === name.toLowerCase());
  const testsOf = (name: string) => tests.get(name) ?? tests.get(name.toLowerCase()) ?? [];
  for (const column of Object.values(table?.columns ?? {}).sort((a, b) => a.index - b.index)) {
    const doc = find(column.name);
    if (doc) seen.add(doc.name);
    columns.push({ name: column.name, description: doc?.description ?? '', type: column.type, index: column.index, tests: testsOf(column.name) });
  }
  for (const doc of Object.values(documented)) {
    if (seen.has(doc.name)) continue;
    columns.push({ name: doc.name, description: doc.description, type: doc.data_type ?? null, index: null, tests: testsOf(doc.name) });
  }
  return columns;
}

/** Generic tests by the node and column they test: `not_null` on orders.id lists under orders' column id. */
function columnTests(manifest: Manifest): Map<string, Map<string, DocsColumn['tests']>> {
  const byNode = new Map<string, Map<string, DocsColumn['tests']>>();
  for (const node of Object.values(manifest.nodes)) {
    if (node.resource_type !== 'test' || !node.attached_node || !node.column_name) continue;
    const columns = byNode.get(node.attached_node) ?? new Map<string, DocsColumn['tests']>();
    const list = columns.get(node.column_name) ?? [];
    list.push({ name: node.test_metadata?.name ?? node.name, id: node.unique_id });
    columns.set(node.column_name, list);
    byNode.set(node.attached_node, columns);
  }
  return byNode;
}

function nodeEntry(node: ManifestNode, manifest: Manifest, catalog: Catalog, compiled: Record<string, string>, tests: Map<string, DocsColumn['tests']>): DocsNode {
  const table = catalog.nodes[node.unique_id];
  const isRelation = ['model', 'seed', 'snapshot'].includes(node.resource_type) && node.config.materialized !== 'ephemeral';
  return {
    id: node.unique_id,
    type: node.resource_type as DocsResourceType,
    name: node.name,
    label: node.name,
    folder: posix.dirname(node.original_file_path),
    file: node.original_file_path,
    description: node.description,
    relation: isRelation ? node.relation_name : null,
    materialized: node.resource_type === 'model' ? node.config.materialized : null,
    tags: node.tags,
    config: configRows(node.config),
    raw: node.raw_code,
    compiled: compiled[node.unique_id] ?? null,
    columns: mergeColumns(node.columns, table, tests),
    parents: manifest.parent_map[node.unique_id] ?? [],
    children: manifest.child_map[node.unique_id] ?? [],
    relationType: table?.metadata.type ?? null,
    owner: table?.metadata.owner ?? null,
    stats: stats(table),
    testOf: node.resource_type === 'test' && node.attached_node ? { node: node.attached_node, column: node.column_name ?? null } : null,
    select: { fqn: node.fqn, package: node.package_name, tags: node.config.tags, sourceName: null, testName: node.test_metadata?.name ?? null, config: { ...node.config } },
  };
}

function sourceEntry(source: SourceDefinition, manifest: Manifest, catalog: Catalog, tests: Map<string, DocsColumn['tests']>): DocsNode {
  const table = catalog.sources[source.unique_id];
  return {
    id: source.unique_id,
    type: 'source',
    name: source.name,
    label: `${source.source_name}.${source.name}`,
    folder: source.source_name,
    file: source.original_file_path,
    description: source.description || source.source_description,
    relation: source.relation_name,
    materialized: null,
    tags: source.tags,
    config: configRows({ ...source.config, loader: source.loader, loaded_at_field: source.loaded_at_field, freshness: source.freshness }),
    raw: '',
    compiled: null,
    columns: mergeColumns(source.columns, table, tests),
    parents: [],
    children: manifest.child_map[source.unique_id] ?? [],
    relationType: table?.metadata.type ?? null,
    owner: table?.metadata.owner ?? null,
    stats: stats(table),
    testOf: null,
    select: { fqn: source.fqn, package: source.package_name, tags: source.tags, sourceName: source.source_name, testName: null, config: source.config },
  };
}

/** An exposure: what uses the project downstream, with its owner, and the nodes it depends on. */
function exposureEntry(exposure: ExposureDefinition, manifest: Manifest): DocsNode {
  const owner = [exposure.owner.name, exposure.owner.email ? `<${exposure.owner.email}>` : null].filter(Boolean).join(' ');
  return {
    id: exposure.unique_id,
    type: 'exposure',
    name: exposure.name,
    label: exposure.label ?? exposure.name,
    folder: posix.dirname(exposure.original_file_path),
    file: exposure.original_file_path,
    description: exposure.description,
    relation: null,
    materialized: null,
    tags: exposure.tags,
    config: configRows({ type: exposure.type, maturity: exposure.maturity, url: exposure.url, meta: exposure.meta }),
    raw: '',
    compiled: null,
    columns: [],
    parents: manifest.parent_map[exposure.unique_id] ?? [],
    children: [],
    relationType: null,
    owner,
    stats: [],
    testOf: null,
    select: { fqn: exposure.fqn, package: exposure.package_name, tags: exposure.tags, sourceName: null, testName: null, config: exposure.config },
  };
}

/** The docs site's data: every shown node with its columns, config, code and neighbours, and every edge. */
export function buildDocsData(
  manifest: Manifest,
  catalog: Catalog,
  compiled: Record<string, string>,
  meta: { target: string; generatedAt: Date; catalogRead: boolean; readme?: DocsData['readme'] },
): DocsData {
  const tests = columnTests(manifest);
  const noTests = new Map<string, DocsColumn['tests']>();
  const nodes: Record<string, DocsNode> = {};
  for (const node of Object.values(manifest.nodes)) {
    if (SHOWN_TYPES.has(node.resource_type)) nodes[node.unique_id] = nodeEntry(node, manifest, catalog, compiled, tests.get(node.unique_id) ?? noTests);
  }
  for (const source of Object.values(manifest.sources)) nodes[source.unique_id] = sourceEntry(source, manifest, catalog, tests.get(source.unique_id) ?? noTests);
  for (const exposure of Object.values(manifest.exposures ?? {})) nodes[exposure.unique_id] = exposureEntry(exposure, manifest);
  const edges: Array<[string, string]> = [];
  for (const [child, parents] of Object.entries(manifest.parent_map)) {
    if (!nodes[child]) continue;
    for (const parent of parents) if (nodes[parent]) edges.push([parent, child]);
  }
  for (const node of Object.values(nodes)) {
    node.parents = node.parents.filter((id) => nodes[id]);
    node.children = node.children.filter((id) => nodes[id]);
  }
  return { project: manifest.metadata.project_name, generatedAt: meta.generatedAt.toISOString(), target: meta.target, catalogRead: meta.catalogRead, nodes, edges, readme: meta.readme ?? null };
}
