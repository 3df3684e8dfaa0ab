import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostics } from '../../support/diagnostics.js';
import type { LoadedProject } from '../../config/load-project.js';
import { YamlReader } from '../../config/yaml-reader.js';
import { closestMatch } from '../../errors.js';
import { isPlainObject } from '../../support/is-plain-object.js';
import type { KeyPolicy } from '../../support/key-policy.js';
import { computeMaps } from '../build-manifest.js';
import { sha256 } from '../checksum.js';
import { discoverFiles, type DiscoveredFile } from '../discover-files.js';
import { configFromTree, finalizeConfig, mergeConfig } from '../node-config.js';
import type { UnitTestDeclaration } from '../property-files.js';
import type { Manifest, ManifestNode, NodeConfig } from '../../manifest/types.js';
import { CsvRowsError, parseCsvRows } from './parse-csv-rows.js';
import { readUnitTestDefinition, type DefinitionSources } from './read-unit-test-definition.js';
import type { UnitTestDefinition } from './types.js';

export interface UnitTestParseContext {
  loaded: LoadedProject;
  diagnostics: Diagnostics;
  now: Date;
}

// dbt's `versions` is left out on purpose: kpi has no model versions, so it is warned about as ignored.
const UNIT_TEST_KEYS: KeyPolicy = { known: ['name', 'model', 'given', 'expect', 'overrides', 'config', 'description'], unknown: 'warn' };

function findModel(manifest: Manifest, name: string): { model: ManifestNode; enabled: boolean } | null {
  const isModel = (node: ManifestNode) => node.resource_type === 'model' && node.name === name;
  const enabled = Object.values(manifest.nodes).find(isModel);
  if (enabled) return { model: enabled, enabled: true };
  const disabled = Object.values(manifest.disabled).flat().find(isModel);
  return disabled ? { model: disabled, enabled: false } : null;
}

/** What reading definitions needs from the project's files: fixture files and seed CSVs. */
function definitionSources(manifest: Manifest, loaded: LoadedProject): DefinitionSources {
  const { projectDir, testPaths } = loaded.config;
  let fixtureFiles: DiscoveredFile[] | undefined;
  return {
    // dbt's place for fixture files: a fixtures/ folder under the test paths.
    findFixtureFile: (name, format) => {
      fixtureFiles ??= discoverFiles(projectDir, testPaths, ['.csv', '.sql']).filter((file) => file.path.split('/').includes('fixtures'));
      return fixtureFiles.find((file) => file.path.endsWith(`/${name}.${format}`)) ?? null;
    },
    csvRows: (text) => parseCsvRows(text, loaded.yamlCache),
    seedRows: (uniqueId, reader) => {
      const seed = manifest.nodes[uniqueId];
      if (seed?.resource_type !== 'seed' || !seed.seed_file_path) return null;
      try {
        return parseCsvRows(readFileSync(join(projectDir, seed.seed_file_path), 'utf8'), loaded.yamlCache);
      } catch (error) {
        const line = error instanceof CsvRowsError ? error.line : null;
        return reader.failAt(line === null ? { file: seed.seed_file_path } : { file: seed.seed_file_path, line }, `seed ${seed.seed_file_path} is not valid CSV: ${(error as Error).message}`);
      }
    },
  };
}

/**
 * Turn each `unit_tests:` entry into a `unit_test.<project>.<model>.<name>` node that
 * depends on the model it tests (so `-s model` and `test_type:unit` select it). Every
 * problem is a KPI_UNIT_TEST_INVALID at the YAML position of the offending key or row.
 */
export function addUnitTests(manifest: Manifest, declarations: readonly UnitTestDeclaration[], context: UnitTestParseContext): void {
  if (declarations.length === 0) return;
  const sources = definitionSources(manifest, context.loaded);
  for (const declaration of declarations) {
    const reader = new YamlReader(declaration.yaml, context.diagnostics, { invalid: 'KPI_UNIT_TEST_INVALID', unknownKey: 'KPI_UNIT_TEST_INVALID' }).within(
      declaration.path,
      `unit test '${declaration.name}': `,
    );
    const node = unitTestNode(manifest, declaration, reader, sources, context);
    if (!node) continue;
    if (!node.config.enabled) {
      (manifest.disabled[node.unique_id] ??= []).push(node);
      continue;
    }
    if (manifest.nodes[node.unique_id]) {
      reader.failAt(reader.locate(['name']), `model '${declaration.model}' already has a unit test named '${declaration.name}'`, 'rename one of them');
      continue;
    }
    manifest.nodes[node.unique_id] = node;
  }
  computeMaps(manifest);
}

/** For `state:modified`: the entry as written, what its fixture files hold, and its config; not where it sits in the file. */
function checksum(entry: Record<string, unknown>, definition: UnitTestDefinition | null, config: NodeConfig): string {
  const files = definition ? [...definition.given, definition.expect].filter((fixture) => fixture.fixture !== null).map((fixture) => [fixture.rows, fixture.sql]) : [];
  return sha256(JSON.stringify({ entry, files, config }));
}

function unitTestNode(manifest: Manifest, declaration: UnitTestDeclaration, reader: YamlReader, sources: DefinitionSources, context: UnitTestParseContext): ManifestNode | null {
  const { loaded } = context;
  const packageName = loaded.config.name;
  const entry = declaration.spec;
  reader.checkKeys(entry, UNIT_TEST_KEYS);
  const found = findModel(manifest, declaration.model);
  if (!found) {
    const match = closestMatch(
      declaration.model,
      Object.values(manifest.nodes)
        .filter((node) => node.resource_type === 'model')
        .map((node) => node.name),
    );
    return reader.failAt(reader.locate(['model']), `model '${declaration.model}' does not exist.${match ? ` Did you mean '${match}'?` : ''}`);
  }
  const { model } = found;

  // dbt's fqn: the package, the property file's folders below its resource folder, the model, the test.
  const fqn = [packageName, ...declaration.file.split('/').slice(1, -1), model.name, declaration.name];
  if (entry.config !== undefined && !isPlainObject(entry.config)) return reader.failAt(reader.locate(['config']), 'config must be a mapping (tags, meta, enabled)');
  const config = finalizeConfig('unit_test', {
    ...mergeConfig(configFromTree(loaded.config.unitTests, packageName, fqn.slice(1)), isPlainObject(entry.config) ? entry.config : {}),
    materialized: 'unit',
  });
  // As in dbt, a unit test of a disabled model is disabled with it.
  if (!found.enabled) config.enabled = false;
  // A disabled test is kept for `state:` comparison but not read further: its model may not even resolve its refs.
  const definition = config.enabled ? readUnitTestDefinition(entry, model, manifest, reader, sources) : null;
  if (config.enabled && !definition) return null;
  return {
    unique_id: `unit_test.${packageName}.${model.name}.${declaration.name}`,
    resource_type: 'unit_test',
    name: declaration.name,
    package_name: packageName,
    path: declaration.file.split('/').slice(1).join('/'),
    original_file_path: declaration.file,
    patch_path: null,
    fqn,
    language: 'sql',
    raw_code: '',
    checksum: { name: 'sha256', checksum: checksum(entry, definition, config) },
    config,
    tags: config.tags,
    description: typeof entry.description === 'string' ? entry.description : '',
    columns: {},
    meta: config.meta,
    docs: { show: true },
    refs: [],
    sources: [],
    depends_on: { nodes: [model.unique_id], macros: [] },
    database: model.database,
    schema: model.schema,
    alias: declaration.name,
    relation_name: null,
    ...(definition ? { unit_test: definition as unknown as Record<string, unknown> } : {}),
    created_at: context.now.getTime() / 1000,
  };
}
