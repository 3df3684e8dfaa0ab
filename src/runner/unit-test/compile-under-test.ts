import type { Connection } from '../../adapters/adapter.js';
import { Relation } from '../../adapters/relation.js';
import { EPHEMERAL_PREFIX, executeHost, type CompileSession } from '../../compile/compile-node.js';
import { injectCtes } from '../../compile/inject-ctes.js';
import { KpiError, type SourceLocation } from '../../errors.js';
import type { ManifestNode } from '../../manifest/types.js';
import type { ContextHost } from '../../template/node-context.js';
import { renderTemplate } from '../../template/render-template.js';
import { MACRO_OVERRIDES_KEY } from '../../template/macro-scope.js';
import type { InputTarget, UnitTestDefinition } from '../../project/unit-tests/types.js';

/** A given input, ready to inline: the CTE that stands in for the relation. */
export interface FixtureCte {
  target: InputTarget;
  name: string;
  sql: string;
}

/**
 * Context names dbt holds as values rather than macros: an override replaces the value
 * itself (`invocation_id: 123`). Any other name becomes a macro returning the override.
 */
const VALUE_NAMES = new Set(['invocation_id', 'run_started_at', 'target', 'execute', 'flags', 'project_name', 'model', 'graph', 'dbt_version', 'kpi_version', 'selected_resources', 'modules']);

/**
 * `overrides.macros` as context entries; `dbt.is_incremental` and `<project>.name` mean the
 * bare name, another package's `pkg.name` replaces that macro in its namespace, so the
 * package's own macros calling `pkg.name(...)` get the value too (audit_helper's tests do).
 */
function macroOverrides(macros: Record<string, unknown>, packageName: string): Record<string, unknown> {
  const entries: Record<string, unknown> = {};
  const qualifiedEntries: Record<string, unknown> = {};
  for (const [qualified, value] of Object.entries(macros)) {
    const parts = qualified.split('.');
    if (parts.length > 2) continue;
    const name = parts[parts.length - 1];
    if (parts.length === 2) qualifiedEntries[qualified] = () => value;
    if (parts.length === 2 && parts[0] !== packageName && parts[0] !== 'dbt') continue;
    entries[name] = VALUE_NAMES.has(name) ? value : () => value;
  }
  return { ...entries, [MACRO_OVERRIDES_KEY]: qualifiedEntries };
}

function missingInput(model: ManifestNode, input: string, location: SourceLocation): KpiError {
  return new KpiError('KPI_UNIT_TEST_INVALID', `model '${model.name}' reads ${input}, which the unit test gives no rows for`, {
    location,
    hint: `add it under given: (- input: ${input}, with rows: []) so the test never reads real data`,
  });
}

/**
 * Render the model under test with every given input replaced by its fixture CTE, the
 * overrides applied, and ephemeral parents that were not given inlined (their own inputs
 * replaced too). A ref or source with no fixture is an error: the test must not read real
 * tables. The result is one SELECT, ready to compare.
 */
export async function compileUnderTest(session: CompileSession, model: ManifestNode, definition: UnitTestDefinition, fixtures: readonly FixtureCte[], connection: Connection): Promise<string> {
  const { overrides } = definition;
  const refOverrides: Record<string, string> = {};
  const sourceCtes = new Map<string, string>();
  let thisCte: string | null = null;
  for (const fixture of fixtures) {
    if (fixture.target.kind === 'ref') refOverrides[fixture.target.name] = fixture.name;
    else if (fixture.target.kind === 'source') sourceCtes.set(`${fixture.target.sourceName}.${fixture.target.table}`, fixture.name);
    else thisCte = fixture.name;
  }
  const extra = macroOverrides(overrides.macros, session.loaded.config.name);
  const isIncremental = overrides.macros.is_incremental;

  const hostFor = (node: ManifestNode, ephemerals: ManifestNode[]): ContextHost => {
    const base = executeHost(session, node, { connection, varOverrides: overrides.vars, refOverrides }, ephemerals);
    const underTest = node === model;
    return {
      ...base,
      env: { ...base.env, ...overrides.env_vars },
      ref: (name, packageName, version) => {
        const relation = base.ref(name, packageName, version);
        // A CTE is a fixture or an ephemeral parent (inlined below); anything else is a real table.
        if (relation.type === 'cte') return relation;
        throw missingInput(model, `ref('${name}')`, definition.location);
      },
      source: (sourceName, tableName) => {
        const cte = sourceCtes.get(`${sourceName}.${tableName}`);
        if (cte) return Relation.create(null, cte, 'cte');
        throw missingInput(model, `source('${sourceName}', '${tableName}')`, definition.location);
      },
      thisRelation: underTest && thisCte ? Relation.create(null, thisCte, 'cte') : base.thisRelation,
      isIncremental: underTest && typeof isIncremental === 'boolean' ? () => isIncremental : base.isIncremental,
      extra: { ...base.extra, ...extra },
    };
  };
  const render = async (node: ManifestNode, ephemerals: ManifestNode[]): Promise<string> => {
    const template = session.runtime.template(`${node.original_file_path}:${node.checksum.checksum}`, node.raw_code, node.original_file_path);
    return renderTemplate(session.runtime, template, hostFor(node, ephemerals), node.original_file_path);
  };

  const direct: ManifestNode[] = [];
  const sql = await render(model, direct);
  const ephemeralCtes: Array<{ name: string; sql: string }> = [];
  const done = new Set<string>();
  const visit = async (ephemeral: ManifestNode, stack: Set<string>): Promise<void> => {
    if (done.has(ephemeral.unique_id)) return;
    if (stack.has(ephemeral.unique_id)) throw new KpiError('KPI_DAG_CYCLE', `ephemeral models refer to each other in a cycle through '${ephemeral.name}'`);
    const nested: ManifestNode[] = [];
    const body = await render(ephemeral, nested);
    for (const inner of nested) await visit(inner, new Set([...stack, ephemeral.unique_id]));
    done.add(ephemeral.unique_id);
    ephemeralCtes.push({ name: `${EPHEMERAL_PREFIX}${ephemeral.name}`, sql: body });
  };
  for (const ephemeral of direct) await visit(ephemeral, new Set());
  // Fixtures first: ephemeral parents read them, and CTEs may only refer to earlier ones.
  // Names go in quoted, as relations render them, so a mixed-case model name still matches.
  return injectCtes(sql, [...fixtures, ...ephemeralCtes]);
}
