import { relative } from 'node:path';
import { compiledPath } from '../../compile/compiled-path.js';
import { writeText } from '../../support/write-file.js';
import { KpiError } from '../../errors.js';
import { StatementError } from '../../adapters/statement-error.js';
import type { ManifestNode } from '../../manifest/types.js';
import { describeFailure, makeResult, Stopwatch } from '../../execution/node-result.js';
import type { RunContext } from '../../execution/run-context.js';
import type { NodeResult } from '../../execution/types.js';
import { buildFixtures } from './build-fixtures.js';
import { compileUnderTest, type FixtureCte } from './compile-under-test.js';
import { diffRows } from './diff-rows.js';
import { fetchComparison, outputColumns } from './fetch-comparison.js';
import { formatRowDiff } from './format-row-diff.js';
import { unitTestDefinition } from '../../project/unit-tests/types.js';

const UNDEFINED_COLUMN = '42703';

/** A missing column is most often one a fixture left out while its relation was not there to supply it. */
function inferredHint(inputs: readonly string[]): string {
  return ` (hint: no relation in the database gave the columns of ${inputs.join(', ')}, so a fixture has only the columns its rows name: give every column the model reads, or build the input first)`;
}

/**
 * The executor for `unit_test` nodes: compile the model with its inputs replaced by the
 * fixtures, run it beside the expected rows, and pass when both hold the same rows (as
 * multisets, on the expected columns). Nothing is created but a temp table, dropped at
 * once; real relations are only looked up in the catalog, never read.
 */
export async function runUnitTest(node: ManifestNode, context: RunContext, threadId: string): Promise<NodeResult> {
  const watch = new Stopwatch();
  const { manifest, loaded } = context.session;
  const definition = unitTestDefinition(node);
  const model = manifest.nodes[definition.model];
  const path = compiledPath(context.targetDir, node.package_name, `${node.original_file_path}/${model?.name ?? 'model'}/${node.name}.sql`);
  const displayPath = relative(loaded.config.projectDir, path);
  let compiled: string | null = null;
  let inferred: string[] = [];
  try {
    if (!model) throw new KpiError('KPI_UNIT_TEST_INVALID', `the model under test (${definition.model}) is not in the manifest`, { location: definition.location });
    return await context.adapter.withConnection(async (connection) => {
      watch.begin('compile');
      // The model as a full refresh gives its own columns, for a `this` not built yet. When
      // that cannot be compiled from the fixtures (its full-refresh branch reads an input the
      // test does not give), the rows' values type the columns instead.
      const fullRefresh = { ...definition, overrides: { ...definition.overrides, macros: { ...definition.overrides.macros, is_incremental: false } } };
      const modelColumns = async (fixtures: readonly FixtureCte[]) => {
        try {
          return await outputColumns(connection, await compileUnderTest(context.session, model, fullRefresh, fixtures, connection));
        } catch {
          return [];
        }
      };
      const built = await buildFixtures(connection, manifest, model, definition.given, node.name, modelColumns);
      inferred = built.inferred;
      compiled = await compileUnderTest(context.session, model, definition, built.fixtures, connection);
      writeText(path, compiled);
      watch.begin('execute');
      const comparison = await fetchComparison(connection, compiled, definition.expect, model, `unit test '${node.name}', expect`);
      const diff = diffRows(comparison.actual, comparison.expected);
      const failures = diff.onlyActual.length + diff.onlyExpected.length;
      return makeResult(node, failures === 0 ? 'pass' : 'fail', {
        threadId,
        watch,
        failures,
        message: failures === 0 ? null : formatRowDiff(comparison.columns, diff),
        adapter_response: { _message: `SELECT ${comparison.actual.length}`, code: 'SELECT', rows_affected: comparison.actual.length },
        compiled: true,
        compiled_code: compiled,
      });
    }, node.unique_id);
  } catch (error) {
    const failure = describeFailure(error, node, compiled, compiled ? displayPath : null);
    const message = error instanceof StatementError && error.sqlState === UNDEFINED_COLUMN && inferred.length > 0 ? `${failure.message}${inferredHint(inferred)}` : failure.message;
    return makeResult(node, 'error', { threadId, watch, message, error_code: failure.code, compiled: compiled !== null, compiled_code: compiled });
  }
}
