import type { Connection } from '../../adapters/adapter.js';
import { KpiError } from '../../errors.js';
import type { Manifest, ManifestNode } from '../../manifest/types.js';
import { checkFixtureSql } from './check-fixture-sql.js';
import type { FixtureCte } from './compile-under-test.js';
import { fixtureSql, inferColumns, type TypedColumn } from './fixture-sql.js';
import { typedColumns } from './typed-columns.js';
import type { GivenInput, InputTarget } from '../../project/unit-tests/types.js';

/** The columns the model under test returns, computed over the fixtures built so far. */
export type ModelColumns = (fixtures: readonly FixtureCte[]) => Promise<TypedColumn[]>;

const CTE_PREFIX = '__dbt__cte__';

/** The real relation an input stands for, when it has one (ephemeral models have none). */
function inputRelation(manifest: Manifest, target: InputTarget): { schema: string; identifier: string } | null {
  if (target.kind === 'source') {
    const source = manifest.sources[target.uniqueId];
    return source ? { schema: source.schema, identifier: source.identifier } : null;
  }
  const node = manifest.nodes[target.uniqueId];
  if (!node || node.config.materialized === 'ephemeral') return null;
  return { schema: node.schema, identifier: node.alias };
}

function cteName(target: InputTarget, model: ManifestNode): string {
  if (target.kind === 'ref') return `${CTE_PREFIX}${target.name}`;
  if (target.kind === 'source') return `${CTE_PREFIX}${target.sourceName}__${target.table}`;
  return `${CTE_PREFIX}${model.name}`;
}

/**
 * Each given input as a CTE. Column types come from the input's relation in the database
 * (read from the catalog, as dbt does), so a fixture behaves like the real input. A `this`
 * whose table is not built yet (a first `kpi build` runs unit tests before their model)
 * takes the model's own output columns, so an all-empty column is not guessed as text.
 * Any other input with no relation is typed from its values (listed in `inferred`).
 */
export async function buildFixtures(
  connection: Connection,
  manifest: Manifest,
  model: ManifestNode,
  given: readonly GivenInput[],
  testName: string,
  modelColumns: ModelColumns,
): Promise<{ fixtures: FixtureCte[]; inferred: string[] }> {
  const fixtures: FixtureCte[] = [];
  const inferred: string[] = [];
  // `this` last: its fallback columns come from the model run over the other fixtures.
  const ordered = [...given.filter((input) => input.target.kind !== 'this'), ...given.filter((input) => input.target.kind === 'this')];
  for (const input of ordered) {
    const what = `unit test '${testName}', input ${input.input}`;
    const relation = inputRelation(manifest, input.target);
    let columns = relation && input.format !== 'sql' ? await typedColumns(connection, relation) : [];
    if (columns.length === 0 && input.format !== 'sql' && input.target.kind === 'this') columns = await modelColumns(fixtures);
    if (columns.length === 0 && input.format !== 'sql') inferred.push(input.input);
    let sql: string;
    try {
      sql = fixtureSql(input, columns.length > 0 ? columns : inferColumns(input), what);
    } catch (error) {
      if (!(error instanceof KpiError) || columns.length === 0 || !relation) throw error;
      throw new KpiError(error.code, error.message, {
        location: error.location,
        hint: `the columns are those of "${relation.schema}"."${relation.identifier}" as it is in the database now; rebuild it if its model changed`,
      });
    }
    await checkFixtureSql(connection, sql, input, what);
    fixtures.push({ target: input.target, name: cteName(input.target, model), sql });
  }
  return { fixtures, inferred };
}
