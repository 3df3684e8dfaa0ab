import type { Diagnostics } from '../support/diagnostics.js';
import { describeValue } from '../support/describe-value.js';
import { isPlainObject } from '../support/is-plain-object.js';
import type { KeyPolicy } from '../support/key-policy.js';
import { readYamlFile, type YamlFile, type YamlPath } from '../config/yaml-file.js';
import { YamlReader } from '../config/yaml-reader.js';
import { KpiError, type SourceLocation } from '../errors.js';
import type { DiscoveredFile } from './discover-files.js';
import { UNSUPPORTED_SECTIONS, warnUnsupportedSection } from './unsupported-resources.js';
import type { ColumnInfo, FreshnessConfig, ModelConstraint, TimeSpine } from '../manifest/types.js';
import { mergeFreshness, readFreshness } from './read-freshness.js';
import { readConstraints } from './read-constraints.js';
import { readExposures, type ExposureDeclaration } from './exposures.js';
import { readGroups, type GroupDeclaration } from './groups.js';
import { liftAccessProperties, readTimeSpine } from './model-properties.js';

/** A generic test as declared in YAML, before it becomes a test node. */
export interface TestDeclaration {
  target: { kind: 'node'; resourceType: string; name: string } | { kind: 'source'; source: string; table: string };
  columnName: string | null;
  /** The YAML entry: `unique`, or `{accepted_values: {values: [...]}}`. */
  spec: unknown;
  file: string;
  location: SourceLocation;
}

export interface NodePatch {
  resourceType: 'model' | 'seed' | 'snapshot' | 'analysis';
  name: string;
  file: string;
  location: SourceLocation;
  description: string;
  columns: Record<string, ColumnInfo>;
  config: Record<string, unknown>;
  configLocation: (key: string) => SourceLocation;
  meta: Record<string, unknown>;
  docs: { show: boolean };
  /** A YAML-defined snapshot's `relation:` (dbt 1.9), as written: `ref('orders')`, `source('shop', 'orders')`. */
  relation?: string;
  /** Where `relation:` is written. */
  relationLocation?: SourceLocation;
  /** Model-level constraints (`constraints:` beside `columns:`). */
  constraints: ModelConstraint[];
  /** Model versions (`versions:`), and `latest_version` as written (null: the greatest `v`). */
  versions: ModelVersionPatch[];
  latestVersion: string | number | null;
  deprecationDate: string | null;
  /** A model's `time_spine:` (MetricFlow), as dbt's manifest carries it. */
  timeSpine?: TimeSpine | null;
}

/** One entry of a model's `versions:`. */
export interface ModelVersionPatch {
  v: string | number;
  /** The file's name without `.sql` (default `<model>_v<v>`). */
  definedIn: string | null;
  /** The version's own columns (added to or replacing the model's), and which of the model's it keeps. */
  columns: Record<string, ColumnInfo>;
  include: 'all' | string[];
  exclude: string[];
  config: Record<string, unknown>;
  description: string | null;
  deprecationDate: string | null;
  location: SourceLocation;
}

export interface SourceTablePatch {
  sourceName: string;
  name: string;
  identifier: string;
  schema: string | null;
  database: string | null;
  loader: string;
  loadedAtField: string | null;
  freshness: FreshnessConfig | null;
  description: string;
  sourceDescription: string;
  columns: Record<string, ColumnInfo>;
  tags: string[];
  meta: Record<string, unknown>;
  config: Record<string, unknown>;
  file: string;
  location: SourceLocation;
}

export interface MacroPatch {
  name: string;
  description: string;
  arguments: Array<{ name: string; type: string | null; description: string }>;
  file: string;
}

export interface UnitTestDeclaration {
  name: string;
  model: string;
  spec: Record<string, unknown>;
  file: string;
  location: SourceLocation;
  /** The file it was read from, and where in it: unit tests are checked once the manifest is built, at these positions. */
  yaml: YamlFile;
  path: YamlPath;
}

export interface PropertyFiles {
  nodes: NodePatch[];
  sources: SourceTablePatch[];
  macros: MacroPatch[];
  tests: TestDeclaration[];
  unitTests: UnitTestDeclaration[];
  exposures: ExposureDeclaration[];
  groups: GroupDeclaration[];
}

/**
 * The keys of each mapping of a property file: those kpi reads, and those dbt knows that kpi
 * accepts and ignores. Other keys warn, as dbt tolerates them; a near miss of a key kpi reads
 * (`descripton`, `model:`) is an error, as what the user wrote would silently not apply.
 */
const TOP_KEYS: KeyPolicy = {
  known: ['models', 'seeds', 'snapshots', 'analyses', 'sources', 'macros', 'unit_tests', 'exposures', 'groups'],
  tolerated: ['version', 'metrics', 'semantic_models', 'saved_queries', 'data_tests', 'anchors'],
  unknown: 'warn',
};
const NODE_KEYS: KeyPolicy = {
  known: ['name', 'description', 'columns', 'config', 'tests', 'data_tests', 'docs', 'meta', 'tags', 'constraints', 'versions', 'latest_version', 'deprecation_date', 'access', 'group', 'time_spine'],
  tolerated: ['relation'],
  unknown: 'warn',
  noun: 'property',
};
const COLUMN_KEYS: KeyPolicy = {
  known: ['name', 'description', 'data_type', 'tests', 'data_tests', 'meta', 'tags', 'quote', 'config', 'constraints'],
  tolerated: ['policy_tags', 'granularity'],
  unknown: 'warn',
  noun: 'property',
};
const SOURCE_KEYS: KeyPolicy = {
  known: ['name', 'description', 'database', 'schema', 'loader', 'loaded_at_field', 'meta', 'tags', 'config', 'freshness', 'tables'],
  tolerated: ['loaded_at_query', 'overrides', 'quoting'],
  unknown: 'warn',
  noun: 'property',
};
const SOURCE_TABLE_KEYS: KeyPolicy = {
  known: ['name', 'description', 'identifier', 'loaded_at_field', 'meta', 'tags', 'config', 'freshness', 'columns', 'tests', 'data_tests'],
  tolerated: ['loaded_at_query', 'quoting', 'external', 'docs'],
  unknown: 'warn',
  noun: 'property',
};
const MACRO_KEYS: KeyPolicy = { known: ['name', 'description', 'arguments'], tolerated: ['docs', 'meta', 'config'], unknown: 'warn', noun: 'property' };
const ARGUMENT_KEYS: KeyPolicy = { known: ['name', 'type', 'description'], unknown: 'warn', noun: 'property' };
const VERSION_KEYS: KeyPolicy = {
  known: ['v', 'defined_in', 'columns', 'config', 'description', 'deprecation_date', 'constraints', 'tests', 'data_tests'],
  tolerated: ['docs', 'meta', 'access', 'group'],
  unknown: 'warn',
  noun: 'property',
};
const DOCS_KEYS: KeyPolicy = { known: ['show'], tolerated: ['node_color'], unknown: 'warn' };

type Entry = Record<string, unknown>;

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function stringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The mapping at `path` when it has a `name` (text); otherwise reported, and null. */
function namedEntry(reader: YamlReader, value: unknown, path: YamlPath, policy: KeyPolicy): (Entry & { name: string }) | null {
  if (!isPlainObject(value) || typeof value.name !== 'string') {
    reader.fail(path, isPlainObject(value) ? 'needs a name' : `must be a mapping with a name, got ${describeValue(value)}`);
    return null;
  }
  reader.checkKeys(value, policy, path);
  return value as Entry & { name: string };
}

/** A `tests:`/`data_tests:` list (the entries are read as tests later, at their positions). */
function testList(reader: YamlReader, entry: Entry, path: YamlPath): { tests: unknown[]; path: YamlPath } {
  const key = entry.data_tests !== undefined ? 'data_tests' : 'tests';
  return { tests: reader.list(entry[key], [...path, key], 'tests'), path: [...path, key] };
}

function readColumns(reader: YamlReader, value: unknown, path: YamlPath, onTests: (column: string, tests: unknown[], testsPath: YamlPath) => void): Record<string, ColumnInfo> {
  const columns: Record<string, ColumnInfo> = {};
  reader.list(value, path, 'columns with a name').forEach((item, index) => {
    const columnPath = [...path, index];
    const column = namedEntry(reader, item, columnPath, COLUMN_KEYS);
    if (!column) return;
    const config = isPlainObject(column.config) ? column.config : {};
    columns[column.name] = {
      name: column.name,
      description: text(column.description),
      data_type: typeof column.data_type === 'string' ? column.data_type : null,
      meta: isPlainObject(column.meta) ? column.meta : isPlainObject(config.meta) ? config.meta : {},
      tags: stringList(column.tags ?? config.tags),
      quote: typeof column.quote === 'boolean' ? column.quote : null,
    };
    const constraints = readConstraints(reader, column.constraints, [...columnPath, 'constraints'], 'column');
    if (constraints.length > 0) columns[column.name].constraints = constraints;
    const tests = testList(reader, column, columnPath);
    onTests(column.name, tests.tests, tests.path);
  });
  return columns;
}

function loadedAtField(entry: Entry): string | undefined {
  const config = isPlainObject(entry.config) ? entry.config : {};
  const value = entry.loaded_at_field ?? config.loaded_at_field;
  return typeof value === 'string' ? value : undefined;
}

/**
 * Read every property YAML file (`schema.yml` and friends): descriptions, columns, configs,
 * tests, sources. Every problem of every file goes to `diagnostics` at its position (a YAML
 * syntax error too, so the other files are still read).
 */
export function readPropertyFiles(
  files: readonly DiscoveredFile[],
  diagnostics: Diagnostics,
  readYaml: (file: DiscoveredFile) => YamlFile = (file) => readYamlFile(file.absolute, file.path),
): PropertyFiles {
  const result: PropertyFiles = { nodes: [], sources: [], macros: [], tests: [], unitTests: [], exposures: [], groups: [] };
  for (const file of files) {
    let yaml: YamlFile;
    try {
      yaml = readYaml(file);
    } catch (error) {
      if (!(error instanceof KpiError)) throw error;
      diagnostics.error(error.code, error.message, error.location, error.hint);
      continue;
    }
    const reader = new YamlReader(yaml, diagnostics);
    if (!isPlainObject(yaml.data)) {
      reader.failAt({ file: file.path, line: 1 }, `a property file must be a mapping (models:, sources:...), got ${describeValue(yaml.data)}`);
      continue;
    }
    const data = reader.entry(yaml.data, [], TOP_KEYS, 'sections');
    for (const section of ['models', 'seeds', 'snapshots', 'analyses'] as const) readNodeSection(reader, data[section], section, result);
    readSources(reader, data.sources, result);
    readExposures(reader, data.exposures, file, result.exposures);
    readGroups(reader, data.groups, result.groups);
    for (const section of Object.keys(UNSUPPORTED_SECTIONS)) {
      if (Array.isArray(data[section])) warnUnsupportedSection(section, data[section], (index) => reader.locate([section, index]), diagnostics);
    }
    reader.list(data.macros, ['macros'], 'macros with a name').forEach((value, index) => {
      const macro = namedEntry(reader, value, ['macros', index], MACRO_KEYS);
      if (!macro) return;
      const args = reader.list(macro.arguments, ['macros', index, 'arguments'], 'arguments with a name').flatMap((arg, argIndex) => {
        const argument = namedEntry(reader, arg, ['macros', index, 'arguments', argIndex], ARGUMENT_KEYS);
        return argument ? [{ name: argument.name, type: typeof argument.type === 'string' ? argument.type : null, description: text(argument.description) }] : [];
      });
      result.macros.push({ name: macro.name, description: text(macro.description), arguments: args, file: file.path });
    });
    reader.list(data.unit_tests, ['unit_tests'], 'unit tests').forEach((test, index) => {
      const path = ['unit_tests', index];
      if (!isPlainObject(test) || typeof test.name !== 'string' || typeof test.model !== 'string') {
        reader.failAt(reader.locate(path), `${reader.subject(path)} needs a name and a model`, undefined, 'KPI_UNIT_TEST_INVALID');
        return;
      }
      result.unitTests.push({ name: test.name, model: test.model, spec: test, file: file.path, location: reader.locate(path), yaml, path });
    });
  }
  return result;
}

function readNodeSection(reader: YamlReader, value: unknown, section: 'models' | 'seeds' | 'snapshots' | 'analyses', result: PropertyFiles): void {
  const resourceType = ({ models: 'model', seeds: 'seed', snapshots: 'snapshot', analyses: 'analysis' } as const)[section];
  reader.list(value, [section], 'entries with a name').forEach((item, index) => {
    const path = [section, index];
    const entry = namedEntry(reader, item, path, NODE_KEYS);
    if (!entry) return;
    const target = { kind: 'node' as const, resourceType, name: entry.name };
    const columns = readColumns(reader, entry.columns, [...path, 'columns'], (column, tests, testsPath) => {
      tests.forEach((spec, testIndex) => result.tests.push({ target, columnName: column, spec, file: reader.file, location: reader.locate([...testsPath, testIndex]) }));
    });
    const tests = testList(reader, entry, path);
    tests.tests.forEach((spec, testIndex) => result.tests.push({ target, columnName: null, spec, file: reader.file, location: reader.locate([...tests.path, testIndex]) }));
    const config = isPlainObject(entry.config) ? { ...entry.config } : {};
    if (entry.config !== undefined && entry.config !== null && !isPlainObject(entry.config)) reader.fail([...path, 'config'], `must be a mapping of configs, got ${describeValue(entry.config)}`);
    const configLocation = liftAccessProperties(reader, entry, path, config);
    if (entry.tags !== undefined) config.tags = [...stringList(config.tags), ...stringList(entry.tags)];
    const docs = reader.entry(entry.docs, [...path, 'docs'], DOCS_KEYS, 'show and node_color');
    result.nodes.push({
      resourceType,
      name: entry.name,
      file: reader.file,
      location: reader.locate(path),
      description: text(entry.description),
      columns,
      config,
      configLocation,
      meta: isPlainObject(entry.meta) ? entry.meta : {},
      docs: { show: docs.show === undefined ? true : Boolean(docs.show) },
      constraints: readConstraints(reader, entry.constraints, [...path, 'constraints'], 'model'),
      versions: readVersions(reader, entry.versions, [...path, 'versions']),
      latestVersion: typeof entry.latest_version === 'string' || typeof entry.latest_version === 'number' ? entry.latest_version : null,
      deprecationDate: dateText(entry.deprecation_date),
      ...(resourceType === 'model' ? { timeSpine: readTimeSpine(reader, entry.time_spine, [...path, 'time_spine']) } : {}),
      ...(typeof entry.relation === 'string' ? { relation: entry.relation, relationLocation: reader.locate([...path, 'relation']) } : {}),
    });
  });
}

function readSources(reader: YamlReader, value: unknown, result: PropertyFiles): void {
  reader.list(value, ['sources'], 'sources with a name').forEach((item, index) => {
    const path = ['sources', index];
    const source = namedEntry(reader, item, path, SOURCE_KEYS);
    if (!source) return;
    const sourceFreshness = readFreshness(reader, path, source);
    reader.list(source.tables, [...path, 'tables'], 'tables with a name').forEach((tableItem, tableIndex) => {
      const tablePath = [...path, 'tables', tableIndex];
      const table = namedEntry(reader, tableItem, tablePath, SOURCE_TABLE_KEYS);
      if (!table) return;
      const target = { kind: 'source' as const, source: source.name, table: table.name };
      const columns = readColumns(reader, table.columns, [...tablePath, 'columns'], (column, tests, testsPath) => {
        tests.forEach((spec, testIndex) => result.tests.push({ target, columnName: column, spec, file: reader.file, location: reader.locate([...testsPath, testIndex]) }));
      });
      const tests = testList(reader, table, tablePath);
      tests.tests.forEach((spec, testIndex) => result.tests.push({ target, columnName: null, spec, file: reader.file, location: reader.locate([...tests.path, testIndex]) }));
      const sourceConfig = isPlainObject(source.config) ? source.config : {};
      const tableConfig = isPlainObject(table.config) ? table.config : {};
      result.sources.push({
        sourceName: source.name,
        name: table.name,
        identifier: typeof table.identifier === 'string' ? table.identifier : table.name,
        schema: typeof source.schema === 'string' ? source.schema : null,
        database: typeof source.database === 'string' ? source.database : null,
        loader: text(source.loader),
        loadedAtField: loadedAtField(table) ?? loadedAtField(source) ?? null,
        freshness: mergeFreshness(sourceFreshness, readFreshness(reader, tablePath, table)),
        description: text(table.description),
        sourceDescription: text(source.description),
        columns,
        tags: [...stringList(source.tags), ...stringList(table.tags)],
        meta: { ...(isPlainObject(source.meta) ? source.meta : {}), ...(isPlainObject(table.meta) ? table.meta : {}) },
        config: { ...sourceConfig, ...tableConfig },
        file: reader.file,
        location: reader.locate(tablePath),
      });
    });
  });
}

/** A YAML date (read as text or as a Date) as written: `2024-12-31`. */
function dateText(value: unknown): string | null {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

function readVersions(reader: YamlReader, value: unknown, path: YamlPath): ModelVersionPatch[] {
  if (value === undefined || value === null) return [];
  return reader.list(value, path, 'versions with a v').flatMap((item, index): ModelVersionPatch[] => {
    const itemPath = [...path, index];
    if (!isPlainObject(item) || (typeof item.v !== 'string' && typeof item.v !== 'number')) {
      reader.fail(itemPath, 'must be a mapping with a version number v');
      return [];
    }
    reader.checkKeys(item, VERSION_KEYS, itemPath);
    let include: 'all' | string[] = 'all';
    let exclude: string[] = [];
    const named: unknown[] = [];
    for (const column of reader.list(item.columns ?? [], [...itemPath, 'columns'], 'columns')) {
      if (isPlainObject(column) && ('include' in column || 'exclude' in column)) {
        include = column.include === 'all' || column.include === '*' || column.include === undefined ? 'all' : stringList(column.include);
        exclude = stringList(column.exclude);
      } else named.push(column);
    }
    return [
      {
        v: item.v,
        definedIn: typeof item.defined_in === 'string' ? item.defined_in : null,
        columns: readColumns(reader, named, [...itemPath, 'columns'], () => undefined),
        include,
        exclude,
        config: {
          ...(typeof item.access === 'string' ? { access: item.access } : {}),
          ...(typeof item.group === 'string' ? { group: item.group } : {}),
          ...(isPlainObject(item.config) ? item.config : {}),
        },
        description: typeof item.description === 'string' ? item.description : null,
        deprecationDate: dateText(item.deprecation_date),
        location: reader.locate(itemPath),
      },
    ];
  });
}
