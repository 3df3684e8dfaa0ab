import type { Diagnostics } from '../support/diagnostics.js';
import { readYamlFile, type YamlFile, type YamlPath } from '../config/yaml-file.js';
import { closestMatch, type SourceLocation } from '../errors.js';
import type { DiscoveredFile } from './discover-files.js';
import type { ColumnInfo, FreshnessConfig, FreshnessRule } from '../manifest/types.js';

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
}

export interface PropertyFiles {
  nodes: NodePatch[];
  sources: SourceTablePatch[];
  macros: MacroPatch[];
  tests: TestDeclaration[];
  unitTests: UnitTestDeclaration[];
}

const TOP_LEVEL = ['version', 'models', 'seeds', 'snapshots', 'analyses', 'sources', 'macros', 'exposures', 'metrics', 'groups', 'semantic_models', 'saved_queries', 'unit_tests', 'data_tests'];
const NODE_KEYS = ['name', 'description', 'columns', 'config', 'tests', 'data_tests', 'docs', 'meta', 'tags', 'constraints', 'versions', 'latest_version', 'access', 'group', 'deprecation_date', 'time_spine'];
const COLUMN_KEYS = ['name', 'description', 'data_type', 'tests', 'data_tests', 'meta', 'tags', 'quote', 'constraints', 'policy_tags', 'granularity', 'config'];

type Entry = Record<string, unknown>;

function isEntry(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function stringList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function warnUnknown(diagnostics: Diagnostics, entry: Entry, known: string[], yaml: YamlFile, path: YamlPath): void {
  for (const key of Object.keys(entry)) {
    if (!known.includes(key)) diagnostics.warn('KPI_CONFIG_UNKNOWN_KEY', `unknown property '${key}' is ignored`, yaml.locate([...path, key]));
  }
}

function readColumns(
  diagnostics: Diagnostics,
  yaml: YamlFile,
  value: unknown,
  path: YamlPath,
  onTests: (column: string, tests: unknown[], testsPath: YamlPath) => void,
): Record<string, ColumnInfo> {
  const columns: Record<string, ColumnInfo> = {};
  if (!Array.isArray(value)) return columns;
  value.forEach((column, index) => {
    const columnPath = [...path, index];
    if (!isEntry(column) || typeof column.name !== 'string') {
      diagnostics.error('KPI_CONFIG_INVALID', 'each column needs a name', yaml.locate(columnPath));
      return;
    }
    warnUnknown(diagnostics, column, COLUMN_KEYS, yaml, columnPath);
    const config = isEntry(column.config) ? column.config : {};
    columns[column.name] = {
      name: column.name,
      description: text(column.description),
      data_type: typeof column.data_type === 'string' ? column.data_type : null,
      meta: isEntry(column.meta) ? column.meta : isEntry(config.meta) ? config.meta : {},
      tags: stringList(column.tags ?? config.tags),
      quote: typeof column.quote === 'boolean' ? column.quote : null,
    };
    const testsKey = column.data_tests !== undefined ? 'data_tests' : 'tests';
    const tests = column[testsKey];
    if (Array.isArray(tests)) onTests(column.name, tests, [...columnPath, testsKey]);
  });
  return columns;
}

const FRESHNESS_PERIODS = ['minute', 'hour', 'day'];

/** A `warn_after`/`error_after` rule, checked: a whole count above zero and a period dbt knows. */
function readFreshnessRule(diagnostics: Diagnostics, yaml: YamlFile, path: YamlPath, value: unknown): FreshnessRule | null | undefined {
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (!isEntry(value)) {
    diagnostics.error('KPI_CONFIG_INVALID', 'a freshness rule is {count: N, period: minute|hour|day}', yaml.locate(path));
    return undefined;
  }
  const rule: Partial<FreshnessRule> = {};
  if (value.count !== undefined && value.count !== null) {
    if (typeof value.count !== 'number' || !Number.isInteger(value.count) || value.count <= 0) {
      diagnostics.error('KPI_CONFIG_INVALID', `freshness count must be a whole number above 0, not ${JSON.stringify(value.count)}`, yaml.locate([...path, 'count']));
    } else rule.count = value.count;
  }
  if (value.period !== undefined && value.period !== null) {
    if (typeof value.period !== 'string' || !FRESHNESS_PERIODS.includes(value.period)) {
      const match = typeof value.period === 'string' ? closestMatch(value.period, FRESHNESS_PERIODS) : undefined;
      diagnostics.error('KPI_CONFIG_INVALID', `freshness period must be minute, hour or day, not ${JSON.stringify(value.period)}.${match ? ` Did you mean '${match}'?` : ''}`, yaml.locate([...path, 'period']));
    } else rule.period = value.period as FreshnessRule['period'];
  }
  return rule as FreshnessRule;
}

/** A `freshness:` block (or `config: freshness:`, dbt 1.9+) as written: null turns freshness off. */
function readFreshness(diagnostics: Diagnostics, yaml: YamlFile, path: YamlPath, entry: Entry): FreshnessConfig | null | undefined {
  const config = isEntry(entry.config) ? entry.config : {};
  const [value, valuePath] = entry.freshness !== undefined ? [entry.freshness, [...path, 'freshness']] : [config.freshness, [...path, 'config', 'freshness']];
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (!isEntry(value)) {
    diagnostics.error('KPI_CONFIG_INVALID', 'freshness must be a mapping with warn_after, error_after and filter', yaml.locate(valuePath));
    return undefined;
  }
  const freshness: FreshnessConfig = {};
  const warn = readFreshnessRule(diagnostics, yaml, [...valuePath, 'warn_after'], value.warn_after);
  const error = readFreshnessRule(diagnostics, yaml, [...valuePath, 'error_after'], value.error_after);
  if (warn !== undefined) freshness.warn_after = warn;
  if (error !== undefined) freshness.error_after = error;
  if (value.filter !== undefined) freshness.filter = typeof value.filter === 'string' ? value.filter : null;
  return freshness;
}

/** A table's freshness over its source's, as dbt merges them: key by key, and one level into each rule. */
function mergeFreshness(base: FreshnessConfig | null | undefined, update: FreshnessConfig | null | undefined): FreshnessConfig | null {
  if (update === null) return null;
  if (!base) return update ?? null;
  if (!update) return base;
  const rule = (a: FreshnessRule | null | undefined, b: FreshnessRule | null | undefined) => (b === null ? null : a && b ? { ...a, ...b } : (b ?? a ?? null));
  return {
    warn_after: rule(base.warn_after, update.warn_after),
    error_after: rule(base.error_after, update.error_after),
    filter: update.filter !== undefined ? update.filter : (base.filter ?? null),
  };
}

function loadedAtField(entry: Entry): string | undefined {
  const config = isEntry(entry.config) ? entry.config : {};
  const value = entry.loaded_at_field ?? config.loaded_at_field;
  return typeof value === 'string' ? value : undefined;
}

/** Read every property YAML file (`schema.yml` and friends): descriptions, columns, configs, tests, sources. */
export function readPropertyFiles(files: readonly DiscoveredFile[], diagnostics: Diagnostics): PropertyFiles {
  const result: PropertyFiles = { nodes: [], sources: [], macros: [], tests: [], unitTests: [] };
  for (const file of files) {
    const yaml = readYamlFile(file.absolute, file.path);
    if (!isEntry(yaml.data)) continue;
    const data = yaml.data;
    for (const key of Object.keys(data)) {
      if (!TOP_LEVEL.includes(key)) diagnostics.warn('KPI_CONFIG_UNKNOWN_KEY', `unknown top-level key '${key}' is ignored`, yaml.locate([key]));
    }
    for (const section of ['models', 'seeds', 'snapshots', 'analyses'] as const) {
      readNodeSection(diagnostics, yaml, data[section], section, result);
    }
    readSources(diagnostics, yaml, data.sources, result);
    if (Array.isArray(data.macros)) {
      data.macros.forEach((macro, index) => {
        if (!isEntry(macro) || typeof macro.name !== 'string') {
          diagnostics.error('KPI_CONFIG_INVALID', 'each macro entry needs a name', yaml.locate(['macros', index]));
          return;
        }
        const args = Array.isArray(macro.arguments) ? macro.arguments.filter(isEntry) : [];
        result.macros.push({
          name: macro.name,
          description: text(macro.description),
          arguments: args.map((arg) => ({ name: String(arg.name ?? ''), type: typeof arg.type === 'string' ? arg.type : null, description: text(arg.description) })),
          file: file.path,
        });
      });
    }
    if (Array.isArray(data.unit_tests)) {
      data.unit_tests.forEach((test, index) => {
        if (!isEntry(test) || typeof test.name !== 'string' || typeof test.model !== 'string') {
          diagnostics.error('KPI_UNIT_TEST_INVALID', 'each unit test needs a name and a model', yaml.locate(['unit_tests', index]));
          return;
        }
        result.unitTests.push({ name: test.name, model: test.model, spec: test, file: file.path, location: yaml.locate(['unit_tests', index]) });
      });
    }
  }
  return result;
}

function readNodeSection(diagnostics: Diagnostics, yaml: YamlFile, value: unknown, section: string, result: PropertyFiles): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) {
    diagnostics.error('KPI_CONFIG_INVALID', `'${section}' must be a list of entries with a name`, yaml.locate([section]));
    return;
  }
  const resourceType = ({ models: 'model', seeds: 'seed', snapshots: 'snapshot', analyses: 'analysis' } as const)[section as 'models'];
  value.forEach((entry, index) => {
    const path = [section, index];
    if (!isEntry(entry) || typeof entry.name !== 'string') {
      diagnostics.error('KPI_CONFIG_INVALID', `each entry under '${section}' needs a name`, yaml.locate(path));
      return;
    }
    warnUnknown(diagnostics, entry, NODE_KEYS, yaml, path);
    const target = { kind: 'node' as const, resourceType, name: entry.name };
    const columns = readColumns(diagnostics, yaml, entry.columns, [...path, 'columns'], (column, tests, testsPath) => {
      tests.forEach((spec, testIndex) => result.tests.push({ target, columnName: column, spec, file: yaml.file, location: yaml.locate([...testsPath, testIndex]) }));
    });
    const testsKey = entry.data_tests !== undefined ? 'data_tests' : 'tests';
    if (Array.isArray(entry[testsKey])) {
      (entry[testsKey] as unknown[]).forEach((spec, testIndex) =>
        result.tests.push({ target, columnName: null, spec, file: yaml.file, location: yaml.locate([...path, testsKey, testIndex]) }),
      );
    }
    const config = isEntry(entry.config) ? { ...entry.config } : {};
    if (entry.tags !== undefined) config.tags = [...stringList(config.tags), ...stringList(entry.tags)];
    const docs = isEntry(entry.docs) ? entry.docs : {};
    result.nodes.push({
      resourceType,
      name: entry.name,
      file: yaml.file,
      location: yaml.locate(path),
      description: text(entry.description),
      columns,
      config,
      configLocation: (key) => yaml.locate([...path, 'config', key]),
      meta: isEntry(entry.meta) ? entry.meta : {},
      docs: { show: docs.show === undefined ? true : Boolean(docs.show) },
    });
  });
}

function readSources(diagnostics: Diagnostics, yaml: YamlFile, value: unknown, result: PropertyFiles): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) {
    diagnostics.error('KPI_CONFIG_INVALID', "'sources' must be a list", yaml.locate(['sources']));
    return;
  }
  value.forEach((source, index) => {
    const path = ['sources', index];
    if (!isEntry(source) || typeof source.name !== 'string') {
      diagnostics.error('KPI_CONFIG_INVALID', 'each source needs a name', yaml.locate(path));
      return;
    }
    const tables = Array.isArray(source.tables) ? source.tables : [];
    const sourceFreshness = readFreshness(diagnostics, yaml, path, source);
    tables.forEach((table, tableIndex) => {
      const tablePath = [...path, 'tables', tableIndex];
      if (!isEntry(table) || typeof table.name !== 'string') {
        diagnostics.error('KPI_CONFIG_INVALID', 'each source table needs a name', yaml.locate(tablePath));
        return;
      }
      const target = { kind: 'source' as const, source: source.name as string, table: table.name };
      const columns = readColumns(diagnostics, yaml, table.columns, [...tablePath, 'columns'], (column, tests, testsPath) => {
        tests.forEach((spec, testIndex) => result.tests.push({ target, columnName: column, spec, file: yaml.file, location: yaml.locate([...testsPath, testIndex]) }));
      });
      const testsKey = table.data_tests !== undefined ? 'data_tests' : 'tests';
      if (Array.isArray(table[testsKey])) {
        (table[testsKey] as unknown[]).forEach((spec, testIndex) =>
          result.tests.push({ target, columnName: null, spec, file: yaml.file, location: yaml.locate([...tablePath, testsKey, testIndex]) }),
        );
      }
      const sourceConfig = isEntry(source.config) ? source.config : {};
      const tableConfig = isEntry(table.config) ? table.config : {};
      result.sources.push({
        sourceName: source.name as string,
        name: table.name,
        identifier: typeof table.identifier === 'string' ? table.identifier : table.name,
        schema: typeof source.schema === 'string' ? source.schema : null,
        database: typeof source.database === 'string' ? source.database : null,
        loader: text(source.loader),
        loadedAtField: loadedAtField(table) ?? loadedAtField(source) ?? null,
        freshness: mergeFreshness(sourceFreshness, readFreshness(diagnostics, yaml, tablePath, table)),
        description: text(table.description),
        sourceDescription: text(source.description),
        columns,
        tags: [...stringList(source.tags), ...stringList(table.tags)],
        meta: { ...(isEntry(source.meta) ? source.meta : {}), ...(isEntry(table.meta) ? table.meta : {}) },
        config: { ...sourceConfig, ...tableConfig },
        file: yaml.file,
        location: yaml.locate(tablePath),
      });
    });
  });
}
