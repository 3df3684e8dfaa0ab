import { posix } from 'node:path';
import { quoteIdentifier } from '../../adapters/quote.js';
import type { ProjectConfig } from '../../config/project-file.js';
import { closestMatch, KpiError, type SourceLocation } from '../../errors.js';
import { discoverFiles } from '../discover-files.js';
import { ownProject, type ParseContext } from '../parse-nodes.js';
import type { NodePatch, PropertyFiles, SourceTablePatch, TestDeclaration } from '../property-files.js';
import { pickByPackage } from '../resolve-ref.js';
import { resolveNaming } from '../resolve-naming.js';
import type { ManifestNode, NodeRef } from '../../manifest/types.js';
import { buildGenericTest, type GenericTestTarget } from './build-generic-test.js';
import type { CollectedCalls } from '../parse-nodes.js';
import { parseSingularTest } from './parse-singular-test.js';
import { storesFailures } from './test-config.js';
import { dedupe } from '../../support/dedupe.js';
import { findNodePatch } from '../patch-index.js';

const REFABLE = new Set(['model', 'seed', 'snapshot']);

/** Folders whose `.sql` files define generic tests (`{% test %}` blocks), as dbt reads `tests/generic/`. */
export function genericTestPaths(config: ProjectConfig): string[] {
  return config.testPaths.map((path) => posix.join(posix.normalize(path), 'generic'));
}

function targetOf(
  declaration: TestDeclaration,
  refableByName: ReadonlyMap<string, ManifestNode[]>,
  ownSources: ReadonlyMap<string, SourceTablePatch>,
  properties: PropertyFiles,
  packageName: string,
): GenericTestTarget | null {
  const { target, columnName } = declaration;
  if (target.kind === 'source') {
    const table = ownSources.get(`${target.source}\u0000${target.table}`);
    if (!table) return null;
    return {
      kind: 'source',
      name: `${target.source}_${target.table}`,
      relationCall: `source('${target.source}', '${target.table}')`,
      attachedNode: null,
      enabled: table.config.enabled === undefined || Boolean(table.config.enabled),
      column: columnName === null ? null : (table.columns[columnName] ?? null),
    };
  }
  if (!REFABLE.has(target.resourceType)) return null;
  // A test on a node that does not exist: buildManifest already warns about the property entry.
  // A property file describes the nodes of its own package. dbt finds the tested node by name
  // alone (its ref lookup), so tests declared under `models:` for a seed are the seed's tests;
  // buildManifest warns that the entry is in the wrong section, and applies none of its properties.
  const named = (refableByName.get(target.name) ?? []).filter((candidate) => candidate.package_name === packageName);
  const node = named.find((candidate) => candidate.resource_type === target.resourceType) ?? named[0];
  if (!node) return null;
  const patch = findNodePatch(properties.nodes, target.resourceType as NodePatch['resourceType'], target.name);
  return {
    kind: 'node',
    name: target.name,
    relationCall: `ref('${target.name}')`,
    attachedNode: node.unique_id,
    enabled: node.config.enabled,
    column: columnName === null ? null : (patch?.columns[columnName] ?? null),
  };
}

/**
 * Every test node of the project: singular tests from the test paths and generic tests
 * from YAML declarations, with their edges checked here so a bad ref points at the YAML
 * line that declared it. Problems go to the parse diagnostics; a test whose tested node,
 * ref or source is disabled is disabled with it (dbt does the same).
 */
export async function parseTests(
  properties: PropertyFiles,
  nodes: readonly ManifestNode[],
  context: ParseContext,
  visibleSources: readonly SourceTablePatch[] = properties.sources,
): Promise<ManifestNode[]> {
  const config = ownProject(context);
  const rootPackage = context.loaded.config.name;
  const { diagnostics } = context;
  const refable = new Map<string, ManifestNode[]>();
  for (const node of nodes) {
    if (!REFABLE.has(node.resource_type)) continue;
    const named = refable.get(node.name);
    if (named) named.push(node);
    else refable.set(node.name, [node]);
  }
  // A test's table among the file's package's own sources (the first entry of a name, as a scan finds it).
  const ownSources = new Map<string, SourceTablePatch>();
  for (const table of properties.sources) if (!ownSources.has(`${table.sourceName}\u0000${table.name}`)) ownSources.set(`${table.sourceName}\u0000${table.name}`, table);
  // Own sources first: a package's tests read the package's sources.
  const sources = new Map<string, SourceTablePatch>();
  for (const table of [...properties.sources, ...visibleSources]) if (!sources.has(`${table.sourceName}.${table.name}`)) sources.set(`${table.sourceName}.${table.name}`, table);
  const tests: ManifestNode[] = [];
  const seen = new Map<string, SourceLocation>();

  const add = (node: ManifestNode, calls: CollectedCalls, location: SourceLocation): void => {
    const previous = seen.get(node.unique_id);
    if (previous) {
      diagnostics.error('KPI_DUPLICATE_NODE', `two tests are named '${node.name}' (the other is at ${previous.file}:${previous.line ?? ''})`, location, 'give one of them a name: ...');
      return;
    }
    seen.set(node.unique_id, location);
    node.refs = dedupe(calls.refs, (ref: NodeRef) => `${ref.package ?? ''}.${ref.name}.${ref.version ?? ''}`);
    node.sources = dedupe(calls.sources, ([source, table]) => `${source}.${table}`);
    for (const ref of node.refs) {
      const target = pickByPackage(refable.get(ref.name), ref.package, config.name, rootPackage);
      if (!target) {
        const match = closestMatch(ref.name, refable.keys());
        diagnostics.error('KPI_REF_NOT_FOUND', `test '${node.name}' refers to '${ref.name}', which does not exist.${match ? ` Did you mean '${match}'?` : ''}`, location);
      } else if (!target.config.enabled) node.config.enabled = false;
    }
    for (const [sourceName, tableName] of node.sources) {
      const table = sources.get(`${sourceName}.${tableName}`);
      if (!table) {
        const match = closestMatch(`${sourceName}.${tableName}`, sources.keys());
        diagnostics.error(
          'KPI_SOURCE_NOT_FOUND',
          `test '${node.name}' uses source('${sourceName}', '${tableName}'), which no sources: entry declares.${match ? ` Did you mean '${match}'?` : ''}`,
          location,
        );
      } else if (table.config.enabled === false) node.config.enabled = false;
    }
    tests.push(node);
  };
  const report = (error: unknown, location: SourceLocation): void => {
    if (!(error instanceof KpiError)) throw error;
    diagnostics.error(error.code, error.message, error.location ?? location, error.hint);
  };

  // As dbt: a test path's generic/ folder holds `{% test %}` blocks and its fixtures/ folder
  // unit tests' fixture files; neither is a singular test.
  const notSingular = config.testPaths.flatMap((path) => ['generic', 'fixtures'].map((folder) => `${posix.join(posix.normalize(path), folder)}/`));
  for (const file of discoverFiles(config.projectDir, config.testPaths, ['.sql'])) {
    if (notSingular.some((folder) => file.path.startsWith(folder))) continue;
    try {
      const { node, calls } = await parseSingularTest(file, context);
      add(node, calls, { file: file.path });
    } catch (error) {
      report(error, { file: file.path });
    }
  }
  for (const declaration of properties.tests) {
    const target = targetOf(declaration, refable, ownSources, properties, config.name);
    if (!target) continue;
    try {
      const { node, calls } = await buildGenericTest(declaration, target, context);
      add(node, calls, declaration.location);
    } catch (error) {
      report(error, declaration.location);
    }
  }

  const enabled = tests.filter((node) => node.config.enabled);
  await resolveNaming(enabled, context);
  // A test has a relation only when it keeps its failing rows (dbt's audit table).
  for (const node of tests) node.relation_name = storesFailures(node.config) ? `${quoteIdentifier(node.schema)}.${quoteIdentifier(node.alias)}` : null;
  return tests;
}
