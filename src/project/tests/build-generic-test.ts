import { posix } from 'node:path';
import { quoteIdentifier } from '../../adapters/quote.js';
import { Diagnostics } from '../../support/diagnostics.js';
import { KpiError, type SourceLocation } from '../../errors.js';
import { sha256 } from '../checksum.js';
import { checkConfigKey, mergeConfig, normalizeConfigKey } from '../node-config.js';
import { baseNode, ownProject, parseHost, projectFileConfigs, type ParseContext, recordingHost, type CollectedCalls } from '../parse-nodes.js';
import type { TestDeclaration } from '../property-files.js';
import type { ColumnInfo, ManifestNode } from '../../manifest/types.js';
import { renderFile, renderText } from '../../template/render-template.js';
import { coerce } from '../../config/render-config.js';
import { findTestMacro, requiredArguments } from './find-test-macro.js';
import { toJinjaExpression } from './jinja-expression.js';
import { readTestEntry } from './read-test-entry.js';
import { finalizeTestConfig } from './test-config.js';
import { genericTestHash, synthesizeGenericTestNames } from './test-names.js';

/** What a YAML test is attached to. */
export interface GenericTestTarget {
  kind: 'node' | 'source';
  /** The name dbt puts in the test's name: the model's, or `<source>_<table>`. */
  name: string;
  /** `ref('orders')` or `source('raw', 'orders')`. */
  relationCall: string;
  /** The tested node's unique_id (none for sources, as in dbt). */
  attachedNode: string | null;
  /** False when the tested node or source is disabled: the test is disabled with it. */
  enabled: boolean;
  /** The YAML column the test sits under, for its tags and quoting. */
  column: ColumnInfo | null;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function folders(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1, -1);
}

async function renderConfigValues(values: Record<string, unknown>, node: ManifestNode, context: ParseContext): Promise<Record<string, unknown>> {
  const rendered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    // Read natively, as dbt renders configs: `enabled: "{{ target.type in [...] }}"` is a boolean.
    rendered[key] = typeof value === 'string' && /\{[{%]/.test(value) ? coerce((await renderText(context.runtime, value, parseHost(context, node, {}), node.original_file_path)).trim()) : value;
  }
  return rendered;
}

/**
 * A generic test node from a YAML declaration, named and hashed exactly as dbt does. Its
 * `raw_code` calls the test macro with each argument as a Jinja expression, so rendering it
 * (here, to collect refs and `config()` calls; at run time, to get the SQL) passes the macro
 * what dbt passes: `model` as the (optionally `where`-filtered) relation, `column_name`,
 * and the rest of the arguments.
 */
export async function buildGenericTest(declaration: TestDeclaration, target: GenericTestTarget, context: ParseContext): Promise<{ node: ManifestNode; calls: CollectedCalls }> {
  const { runtime, diagnostics } = context;
  const location: SourceLocation = declaration.location;
  const columnName = declaration.columnName === null ? null : target.column?.quote ? quoteIdentifier(declaration.columnName) : declaration.columnName;
  const entry = readTestEntry(declaration.spec, columnName, location);
  const packageName = ownProject(context).name;
  const { macro, callee } = findTestMacro(runtime.macros, entry.name, entry.namespace, packageName, location);

  for (const argument of requiredArguments(macro)) {
    if (argument in entry.args) continue;
    if (argument === 'column_name') {
      throw new KpiError('KPI_TEST_INVALID', `test '${entry.name}' checks a column: list it under a column's tests, or give it column_name`, { location });
    }
    // dbt calls the test macro with the arguments given: one left out is Jinja's undefined in
    // the macro (which packages rely on: dbt-expectations' `compare_model` falls back to `model`),
    // so this is a warning, not an error.
    diagnostics.warn(
      'KPI_TEST_INVALID',
      `test '${entry.name}' leaves out the argument '${argument}', which has no default: it is undefined in the test, as in dbt`,
      location,
      `add ${argument}: ... under ${entry.name} if the test needs it`,
    );
  }
  for (const key of Object.keys(entry.args)) {
    if (!IDENTIFIER.test(key)) throw new KpiError('KPI_TEST_INVALID', `test '${entry.name}' has an argument '${key}' that is not a name`, { location });
  }

  const modelExpression = `get_where_subquery(${target.relationCall})`;
  const kwargs: Record<string, unknown> = { ...entry.args, model: `{{ ${modelExpression} }}` };
  let testType = target.kind === 'source' ? `source_${entry.name}` : entry.name;
  if (entry.namespace) testType = `${entry.namespace}_${testType}`;
  const names = entry.customName ? { fullName: entry.customName, shortName: entry.customName } : synthesizeGenericTestNames(testType, target.name, kwargs);
  const metadata = { name: entry.name, kwargs, namespace: entry.namespace };

  const call = [...Object.entries(entry.args).map(([key, value]) => `${key}=${toJinjaExpression(value, location, key === 'column_name')}`), `model=${modelExpression}`];
  const rawCode = `{{ ${callee}(${call.join(', ')}) }}`;
  const file = { path: declaration.file, pathInFolder: posix.basename(declaration.file), folder: declaration.file.split('/')[0], absolute: '' };
  const node = baseNode('test', file, names.fullName, rawCode, sha256(rawCode), context);
  node.unique_id = `test.${packageName}.${names.fullName}.${genericTestHash(names.fullName, metadata)}`;
  node.path = `${names.shortName}.sql`;
  node.fqn = [packageName, ...folders(declaration.file), names.fullName];
  node.test_metadata = metadata;
  node.column_name = columnName;
  node.attached_node = target.attachedNode;
  node.description = entry.description;
  node.depends_on.macros = [...new Set([macro.unique_id, 'macro.dbt.get_where_subquery'])];

  for (const key of Object.keys(entry.config)) checkConfigKey(normalizeConfigKey(key), [names.fullName, 'config', key], diagnostics, () => location);
  const projectConfigs = projectFileConfigs(context, 'tests', packageName, node.fqn.slice(1));
  let config = mergeConfig(mergeConfig(projectConfigs.own, await renderConfigValues(entry.config, node, context)), projectConfigs.root);
  if (names.shortName !== names.fullName && config.alias === undefined) config.alias = names.shortName;
  if (target.column && target.column.tags.length > 0) config = mergeConfig(config, { tags: target.column.tags });
  if (!target.enabled) config.enabled = false;
  // Provisional, so `config.get('where')` answers while the call renders; problems are reported below.
  node.config = finalizeTestConfig(config, names.fullName, new Diagnostics(), location);

  // Render as dbt does at parse time: refs and sources in the arguments and in the macro become edges.
  let inMacro: Record<string, unknown> = {};
  const { host, calls } = recordingHost(context, node, (values) => {
    inMacro = mergeConfig(inMacro, values);
  });
  try {
    await renderFile(runtime, `${declaration.file}:${node.checksum.checksum}`, rawCode, host, declaration.file, () => {
      inMacro = {};
      calls.refs.length = 0;
      calls.sources.length = 0;
    });
  } catch (error) {
    if (!(error instanceof KpiError)) throw error;
    // An error in the generated call is the declaration's fault; one inside a macro file points there.
    const where = error.location && error.location.file !== declaration.file ? error.location : location;
    throw new KpiError(error.code, `test '${names.fullName}': ${error.message}`, { location: where, hint: error.hint, cause: error });
  }
  // A test macro's own config() (equal_rowcount sets fail_calc) applies last, as in dbt.
  node.config = finalizeTestConfig(mergeConfig(config, inMacro), names.fullName, diagnostics, location);
  node.tags = [...node.config.tags].sort();
  node.config.tags = node.tags;
  return { node, calls };
}
