import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { quoteIdentifier } from '../../adapters/quote.js';
import { KpiError, type SourceLocation } from '../../errors.js';
import type { ManifestNode } from '../../manifest/types.js';
import { renderTemplate } from '../../template/render-template.js';
import { sha256 } from '../checksum.js';
import { discoverFiles, type DiscoveredFile } from '../discover-files.js';
import { checkConfigKey, finalizeConfig, mergeConfig, normalizeConfigKey } from '../node-config.js';
import { baseNode, ownProject, projectFileConfigs, recordingHost, resolveDoc, type ParseContext } from '../parse-nodes.js';
import type { NodePatch, PropertyFiles } from '../property-files.js';
import { resolveNaming } from '../resolve-naming.js';
import { resolveSnapshotConfig } from './snapshot-config.js';
import { snapshotBlocks } from './snapshot-blocks.js';
import { dedupe } from '../../support/dedupe.js';

/** What one snapshot is read from: a block of a file under snapshot-paths, or a YAML entry with `relation:` (dbt 1.9). */
interface SnapshotSource {
  name: string;
  file: DiscoveredFile;
  rawCode: string;
  /** Where the snapshot is declared, and where its `config()` call is (for config problems). */
  location: SourceLocation;
  configLocation: SourceLocation;
  patch: NodePatch | undefined;
  /** The file line the SQL starts on: template errors count lines from there. */
  firstLine: number;
}

function configCallLine(block: string, blockLine: number): number {
  const match = /config\s*\(/.exec(block);
  return match ? blockLine + block.slice(0, match.index).split('\n').length - 1 : blockLine;
}

/** The snapshot blocks of every file under the project's snapshot-paths. */
function fileSnapshots(context: ParseContext, properties: PropertyFiles): SnapshotSource[] {
  const own = ownProject(context);
  const found: SnapshotSource[] = [];
  for (const file of discoverFiles(context.loaded.config.projectDir, own.snapshotPaths, ['.sql'])) {
    const text = readFileSync(file.absolute, 'utf8');
    let blocks;
    try {
      blocks = snapshotBlocks(text, file.path);
    } catch (error) {
      if (!(error instanceof KpiError)) throw error;
      context.diagnostics.error(error.code, error.message, error.location, error.hint);
      continue;
    }
    if (blocks.length === 0 && text.trim() !== '') {
      context.diagnostics.warn(
        'KPI_RESOURCE_UNSUPPORTED',
        `${file.path} is under snapshot-paths but holds no {% snapshot %} block; kpi ignores it`,
        { file: file.path },
        'wrap the query in {% snapshot name %}...{% endsnapshot %}, or move the file',
      );
    }
    for (const block of blocks) {
      found.push({
        name: block.name,
        file,
        rawCode: block.body,
        location: { file: file.path, line: block.line },
        configLocation: { file: file.path, line: configCallLine(block.body, block.bodyLine) },
        patch: properties.nodes.find((patch) => patch.resourceType === 'snapshot' && patch.name === block.name && patch.relation === undefined),
        firstLine: block.bodyLine,
      });
    }
  }
  return found;
}

/** dbt 1.9's YAML snapshots: `snapshots: [{name, relation: ref('orders'), config: {...}}]`, whose query is `select * from` the relation. */
function yamlSnapshots(context: ParseContext, properties: PropertyFiles): SnapshotSource[] {
  const projectDir = context.loaded.config.projectDir;
  return properties.nodes
    .filter((patch) => patch.resourceType === 'snapshot' && patch.relation !== undefined)
    .map((patch) => {
      const relation = String(patch.relation).trim();
      const expression = relation.startsWith('{{') ? relation : `{{ ${relation} }}`;
      const folder = patch.file.split('/')[0];
      return {
        name: patch.name,
        file: { path: patch.file, pathInFolder: patch.file.slice(folder.length + 1), folder, absolute: `${projectDir}/${patch.file}` },
        rawCode: `select * from ${expression}`,
        location: patch.location,
        configLocation: patch.relationLocation ?? patch.location,
        patch,
        firstLine: (patch.relationLocation ?? patch.location).line ?? 1,
      };
    });
}

/**
 * Every snapshot of a project (or installed package) as a node: its configs layered as a
 * model's are (project file `snapshots:`, property YAML, `config()` in the block), its refs
 * and sources recorded by rendering the block once, and its configs checked as dbt's parser
 * checks them, each problem at the config's position. Built where dbt 1.9 builds it:
 * `target_schema`/`target_database` as written, else `schema`/`database` through
 * generate_schema_name / generate_database_name as a model's.
 */
export async function parseSnapshots(properties: PropertyFiles, context: ParseContext): Promise<ManifestNode[]> {
  const nodes: ManifestNode[] = [];
  for (const source of [...fileSnapshots(context, properties), ...yamlSnapshots(context, properties)]) {
    const node = await parseSnapshot(source, context);
    if (node) nodes.push(node);
  }
  await resolveNaming(
    nodes.filter((node) => node.config.enabled),
    context,
  );
  for (const node of nodes) {
    const schema = node.config.target_schema;
    const database = node.config.target_database;
    if (typeof schema === 'string' && schema !== '') node.schema = schema;
    if (typeof database === 'string' && database !== '') node.database = database;
    node.relation_name = `${quoteIdentifier(node.schema)}.${quoteIdentifier(node.alias)}`;
  }
  return nodes;
}

async function parseSnapshot(source: SnapshotSource, context: ParseContext): Promise<ManifestNode | null> {
  const { name, file, rawCode, patch } = source;
  const checksum = sha256(rawCode);
  const node = baseNode('snapshot', file, name, rawCode, checksum, context);
  node.fqn = [node.package_name, ...file.pathInFolder.split('/').slice(0, -1), ...(patch?.relation === undefined ? [basename(file.path, '.sql')] : []), name];
  if (patch) {
    node.patch_path = `${node.package_name}://${patch.file}`;
    node.description = patch.description.replace(/\{\{\s*doc\(\s*['"](\w+)['"]\s*\)\s*\}\}/g, (_, doc: string) => resolveDoc(context.docs, doc, null, node.package_name));
    node.columns = patch.columns;
    node.meta = patch.meta;
    node.docs = patch.docs;
    for (const key of Object.keys(patch.config)) checkConfigKey(normalizeConfigKey(key), [name, 'config', key], context.diagnostics, () => patch.configLocation(key));
  }
  const projectConfigs = projectFileConfigs(context, 'snapshots', node.package_name, [...file.pathInFolder.split('/').slice(0, -1), name]);
  const base = mergeConfig(projectConfigs.own, patch?.config ?? {});
  let inFile: Record<string, unknown> = {};
  const configOf = () => finalizeConfig('snapshot', { ...mergeConfig(mergeConfig(base, inFile), projectConfigs.root), materialized: 'snapshot' });
  node.config = configOf();
  // dbt's context has the target's database and schema as `database` and `schema` (its fixtures write target_schema=schema).
  const extra = { database: context.target.database, schema: context.target.schema };
  const { host, calls } = recordingHost({ ...context, templateGlobals: { ...context.templateGlobals, ...extra } }, node, (values) => {
    inFile = mergeConfig(inFile, values);
    node.config = configOf();
  });
  try {
    await renderTemplate(context.runtime, context.runtime.template(`${file.path}#${name}:${checksum}`, rawCode, file.path), host, file.path);
  } catch (error) {
    if (!(error instanceof KpiError)) throw error;
    // The template is the block's body: its lines count from the block's first line in the file.
    const at = error.location;
    const location = at?.file === file.path && at.line !== undefined ? { ...at, line: at.line + source.firstLine - 1 } : (at ?? source.location);
    context.diagnostics.error(error.code, error.message, location, error.hint);
    return null;
  }
  for (const key of Object.keys(inFile)) checkConfigKey(normalizeConfigKey(key), [name, 'config', key], context.diagnostics, () => source.configLocation);
  node.config = configOf();
  node.tags = node.config.tags;
  node.refs = dedupe(calls.refs, (ref) => `${ref.package ?? ''}.${ref.name}.${ref.version ?? ''}`);
  node.sources = dedupe(calls.sources, ([sourceName, table]) => `${sourceName}.${table}`);
  if (node.config.enabled) {
    const database = node.config.target_database;
    if (typeof database === 'string' && database !== '' && database !== context.target.database) {
      // A Postgres connection reaches one database: the table would silently land in the target's.
      context.diagnostics.error(
        'KPI_SNAPSHOT_INVALID',
        `snapshot '${name}' has target_database='${database}', but the target connects to '${context.target.database}'`,
        source.configLocation,
        'Postgres cannot write to another database from this connection; remove target_database or point the target at that database',
      );
    }
    for (const problem of resolveSnapshotConfig(node.config).problems) {
      const where = patch?.config[problem.key] !== undefined ? patch.configLocation(problem.key) : source.configLocation;
      context.diagnostics.error('KPI_SNAPSHOT_INVALID', `snapshot '${name}' ${problem.message}`, where, problem.hint);
    }
  }
  return node;
}
