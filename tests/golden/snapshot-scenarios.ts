/**
 * The DDL plans of snapshot runs (materializations/snapshot/), from hand-written catalog
 * facts, in the order materializeSnapshot runs them. Part of SCENARIOS (ddl-scenarios.ts).
 */
import type { CatalogColumn, ExistingType } from '../../src/adapters/catalog.js';
import type { ManifestNode, NodeConfig } from '../../src/manifest/types.js';
import { stagingRelation } from '../../src/materializations/incremental/incremental-ddl.js';
import { checkSnapshotColumns, firstSnapshotSteps, laterSnapshotSteps, planSnapshot, type SnapshotFacts } from '../../src/materializations/snapshot/snapshot-plan.js';
import { duplicateKeyQuery } from '../../src/materializations/snapshot/snapshot-sql.js';
import { resolveSnapshotConfig } from '../../src/project/snapshots/snapshot-config.js';
import { begin, commit, failure, note, read, renderPlan, type Line } from './render-plan.js';

interface Scenario {
  name: string;
  render(): string;
}

const target = { schema: 'snapshots', identifier: 'orders_snapshot' };
const sql = 'select * from "raw"."orders"';

function snapshotNode(config: Partial<NodeConfig>): ManifestNode {
  return {
    unique_id: 'snapshot.kpi.orders_snapshot',
    name: 'orders_snapshot',
    original_file_path: 'snapshots/orders_snapshot.sql',
    description: '',
    columns: {},
    config: { materialized: 'snapshot', pre_hook: [], post_hook: [], persist_docs: {}, grants: {}, ...config },
  } as unknown as ManifestNode;
}

function column(name: string, dataType: string, position: number): CatalogColumn {
  return { name, position, dataType, comment: null, standard: { dataType, characterMaximumLength: null, numericPrecision: null, numericScale: null } };
}
const columns = (...list: Array<[string, string]>): CatalogColumn[] => list.map(([name, type], at) => column(name, type, at + 1));

const orders = columns(['id', 'integer'], ['status', 'text'], ['amount', 'numeric(12,2)'], ['updated_at', 'timestamp without time zone']);
const meta = columns(['dbt_scd_id', 'text'], ['dbt_updated_at', 'timestamp without time zone'], ['dbt_valid_from', 'timestamp without time zone'], ['dbt_valid_to', 'timestamp without time zone']);
const snapshotted = [...orders, ...meta].map((item, at) => ({ ...item, position: at + 1 }));

interface SnapshotScenario {
  name: string;
  title: string;
  config: Partial<NodeConfig>;
  existing: ExistingType | null;
  source: CatalogColumn[];
  /** The snapshot table's columns (when it is a table). */
  table?: CatalogColumn[];
}

function lines(scenario: SnapshotScenario, node: ManifestNode): Line[] {
  const resolved = resolveSnapshotConfig(node.config);
  if (!resolved.config) throw new Error(resolved.problems.map((problem) => problem.message).join('; '));
  const facts: SnapshotFacts = { node, config: resolved.config, target, existing: scenario.existing, sql };
  let plan;
  try {
    plan = planSnapshot(facts);
  } catch (error) {
    return failure(error);
  }
  const staged = { source: scenario.source, existing: scenario.existing === 'table' ? (scenario.table ?? snapshotted) : null };
  const out: Line[] = [...plan.before, begin, ...plan.stage, read(`the columns of pg_temp."${plan.staging}"${staged.existing ? ` and of "${target.schema}"."${target.identifier}"` : ''}`)];
  try {
    checkSnapshotColumns(facts, staged);
  } catch (error) {
    return [...out, ...failure(error), note('the transaction rolls back: the table is as it was'), { kind: 'sql', sql: 'rollback' }];
  }
  out.push(note('every key once and not null, else KPI_SNAPSHOT_DUPLICATE_KEY and the transaction rolls back:'), {
    kind: 'sql',
    sql: duplicateKeyQuery(stagingRelation(plan.staging), resolved.config),
  });
  return [...out, ...(staged.existing ? laterSnapshotSteps(facts, staged) : firstSnapshotSteps(facts, staged)), commit, ...plan.after];
}

function scenario(spec: SnapshotScenario): Scenario {
  const node = snapshotNode(spec.config);
  const list = (items: CatalogColumn[]) => items.map((item) => `${item.name} ${item.dataType}`).join(', ');
  const facts = [
    spec.existing
      ? `"${target.schema}"."${target.identifier}" is a ${spec.existing}${spec.existing === 'table' ? `: ${list(spec.table ?? snapshotted)}` : ''}`
      : `nothing stands at "${target.schema}"."${target.identifier}"`,
    `the query returns: ${list(spec.source)}`,
    `config: ${JSON.stringify(spec.config)}`,
  ];
  return { name: spec.name, render: () => renderPlan(spec.title, facts, lines(spec, node), node) };
}

const timestamp = { strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at' };

export const SNAPSHOTS: Scenario[] = [
  scenario({
    name: 'snapshot-first-run',
    title: 'snapshot: the first run makes the table, each row its first version',
    config: { ...timestamp, indexes: [{ columns: ['id'] }] },
    existing: null,
    source: orders,
  }),
  scenario({ name: 'snapshot-timestamp', title: 'snapshot: a later run of the timestamp strategy (hard deletes ignored)', config: timestamp, existing: 'table', source: orders }),
  scenario({
    name: 'snapshot-check-new-record-new-column',
    title: 'snapshot: check_cols all with hard_deletes new_record, and a column the query has gained',
    config: { strategy: 'check', unique_key: 'id', check_cols: 'all', hard_deletes: 'new_record' },
    existing: 'table',
    source: [...orders, column('channel', 'text', 5)],
    table: [...snapshotted, column('dbt_is_deleted', 'text', 9)],
  }),
  scenario({
    name: 'snapshot-composite-invalidate-valid-to-current',
    title: 'snapshot: a composite key, hard deletes invalidated, dbt_valid_to_current and renamed meta columns',
    config: {
      strategy: 'check',
      unique_key: ['id', 'status'],
      check_cols: ['amount'],
      invalidate_hard_deletes: true,
      dbt_valid_to_current: "'9999-12-31'::timestamp",
      snapshot_meta_column_names: { dbt_valid_from: 'valid_from', dbt_valid_to: 'valid_to' },
    },
    existing: 'table',
    source: orders,
    table: snapshotted.map((item) => ({ ...item, name: item.name === 'dbt_valid_from' ? 'valid_from' : item.name === 'dbt_valid_to' ? 'valid_to' : item.name })),
  }),
  scenario({
    name: 'snapshot-widens-varchar',
    title: 'snapshot: the query now returns longer strings than the table holds: the column is widened',
    config: timestamp,
    existing: 'table',
    source: orders.map((item) => (item.name === 'status' ? { ...item, dataType: 'character varying(20)' } : item)),
    table: snapshotted.map((item) => (item.name === 'status' ? { ...item, dataType: 'character varying(8)' } : item)),
  }),
  scenario({ name: 'snapshot-refuses-view', title: "snapshot: a view stands at the snapshot's name", config: timestamp, existing: 'view', source: orders }),
  scenario({ name: 'snapshot-not-a-snapshot-table', title: 'snapshot: the table at the name has no snapshot meta columns', config: timestamp, existing: 'table', source: orders, table: orders }),
];
