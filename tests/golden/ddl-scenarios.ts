/**
 * The DDL plans of the table swap, incremental runs and seed loads, built from hand-written
 * catalog facts, in the order their executors (materializations/table.ts, seed.ts,
 * incremental/incremental.ts) run them. `npm run goldens` writes each to
 * tests/golden/<name>.sql; tests/unit/ddl-goldens.test.ts checks the files still match.
 */
import type { CatalogColumn, CatalogConstraint, CatalogGrant, DependentView, ExistingType, ReferencingForeignKey } from '../../src/adapters/catalog.js';
import type { HookConfig, ManifestNode, NodeConfig } from '../../src/manifest/types.js';
import type { RelationName } from '../../src/materializations/ddl.js';
import { resolveIncrementalConfig } from '../../src/materializations/incremental/incremental-config.js';
import { applySteps, changeTouchesViews, planColumns, planIncrement, type IncrementFacts } from '../../src/materializations/incremental/incremental-plan.js';
import { checkSeedColumns, checkSeedTarget, planReferencedSeedReload, planSeedReload, seedFillSteps, seedRetrySteps, type SeedFacts } from '../../src/materializations/seed-plan.js';
import { statement, type Step } from '../../src/materializations/step.js';
import { afterSwapSteps, planTableSwap, swapSteps } from '../../src/materializations/table-swap-plan.js';
import { modelTableBuild } from '../../src/materializations/table.js';
import { CITUS_TRANSACTION_SETTINGS } from '../../src/materializations/distribution.js';
import { materializedViewAction, planMaterializedView, type MaterializedViewFacts } from '../../src/materializations/materialized-view-plan.js';
import { begin, commit, failure, note, read, renderPlan, type Line } from './render-plan.js';
import { SNAPSHOTS } from './snapshot-scenarios.js';

export interface Scenario {
  /** The golden file's name, without `.sql`. */
  name: string;
  render(): string;
}

function node(name: string, config: Partial<NodeConfig>, more: Partial<ManifestNode> = {}): ManifestNode {
  return {
    unique_id: `model.kpi.${name}`,
    name,
    original_file_path: `models/${name}.sql`,
    description: '',
    columns: {},
    ...more,
    config: { materialized: 'table', pre_hook: [], post_hook: [], persist_docs: {}, grants: {}, ...config },
  } as unknown as ManifestNode;
}

function column(name: string, dataType: string, position: number, comment: string | null = null): CatalogColumn {
  return { name, position, dataType, comment, standard: { dataType, characterMaximumLength: null, numericPrecision: null, numericScale: null } };
}

const columns = (...list: Array<[string, string]>): CatalogColumn[] => list.map(([name, type], at) => column(name, type, at + 1));

const isEmpty = (value: unknown) => (Array.isArray(value) ? value.length === 0 : typeof value === 'object' && value !== null && Object.keys(value).length === 0);

const describe = (relation: RelationName) => `"${relation.schema}"."${relation.identifier}"`;

function listFacts(existing: ExistingType | null, target: RelationName): string {
  return existing ? `${describe(target)} is a ${existing.replace('_', ' ')}` : `nothing stands at ${describe(target)}`;
}

function view(schema: string, name: string, depth: number, definition: string, more: Partial<DependentView> = {}): DependentView {
  return { schema, name, materialized: false, depth, definition, comment: null, columnComments: [], grants: [], ...more };
}

// ---------------------------------------------------------------------------------------
// table

interface TableScenario {
  name: string;
  title: string;
  node: ManifestNode;
  target: RelationName;
  existing: ExistingType | null;
  /** The new table's columns, read after the build. */
  built: CatalogColumn[];
  dependents?: DependentView[];
  /** Other tables' foreign keys on the table replaced. */
  referencing?: ReferencingForeignKey[];
  /** The new table's constraints, read after the build. */
  constraints?: CatalogConstraint[];
  /** The constraints of the table replaced. */
  oldConstraints?: CatalogConstraint[];
  /** The fill; `CREATE TABLE AS` of the node's SQL unless given. */
  build?: (temp: RelationName) => Step[];
  /** Where the build fails and what runs instead (a seed's retry): the build's steps after its COPY do not run. */
  afterBuild?: (temp: RelationName) => Line[];
  facts?: string[];
  /** The target is a Citus coordinator. */
  citus?: boolean;
}

function tableLines(scenario: TableScenario): Line[] {
  const facts = { node: scenario.node, target: scenario.target, existing: scenario.existing, citus: scenario.citus };
  const build = scenario.build ?? modelTableBuild({ node: scenario.node, sql: String(scenario.node.raw_code), target: scenario.target, citus: scenario.citus });
  let plan;
  try {
    plan = planTableSwap(facts, build);
  } catch (error) {
    return failure(error);
  }
  const dependents = scenario.dependents ?? [];
  const what = [
    `the columns of ${describe(plan.temp)}`,
    ...(scenario.existing ? [`the views on ${describe(scenario.target)}`] : []),
    ...(scenario.existing === 'table' ? [`the foreign keys on ${describe(scenario.target)}`] : []),
    ...(scenario.node.contract?.enforced ? [`the constraints of ${describe(plan.temp)}`] : []),
    ...(scenario.existing === 'table' ? [`the constraints of ${describe(scenario.target)}`] : []),
  ].join('; ');
  return [
    ...plan.before,
    begin,
    ...(scenario.citus ? CITUS_TRANSACTION_SETTINGS.map((sql) => statement(sql)) : []),
    ...(scenario.afterBuild ? [...plan.build.slice(0, plan.build.findIndex((step) => step.kind === 'copy') + 1), ...scenario.afterBuild(plan.temp)] : plan.build),
    read(what),
    ...swapSteps(facts, { columns: scenario.built, dependents, referencing: scenario.referencing ?? [], constraints: scenario.constraints ?? [], oldConstraints: scenario.oldConstraints }),
    commit,
    ...afterSwapSteps(facts, { oldConstraints: scenario.oldConstraints }),
    ...plan.after,
  ];
}

function tableScenario(scenario: TableScenario): Scenario {
  const facts = [
    listFacts(scenario.existing, scenario.target),
    ...(scenario.dependents ?? []).map((dependent) => `view ${describe({ schema: dependent.schema, identifier: dependent.name })} (depth ${dependent.depth}) depends on it`),
    ...(scenario.referencing ?? []).map((key) => `foreign key ${key.name} of ${describe({ schema: key.schema, identifier: key.table })} references it`),
    ...(scenario.facts ?? []),
  ];
  return { name: scenario.name, render: () => renderPlan(scenario.title, facts, tableLines(scenario), scenario.node) };
}

const hook = (sql: string, transaction: boolean): HookConfig => ({ sql, transaction });

const orders = node(
  'orders',
  {
    indexes: [{ columns: ['id'], unique: true }, { columns: ['customer_id'] }],
    persist_docs: { relation: true, columns: true },
    grants: { select: ['reporting', 'public'] },
    pre_hook: [hook("set local statement_timeout = '10min'", true), hook('select pg_advisory_lock(42)', false)],
    post_hook: [hook("insert into audit.builds values ('orders', now())", true), hook('select pg_advisory_unlock(42)', false)],
  },
  {
    raw_code: 'select id, customer_id, amount, ordered_at, payload\nfrom "raw"."orders"',
    description: "One row per order: the shop's orders since 2015.",
    columns: {
      id: { name: 'id', description: 'The order', meta: {}, tags: [] },
      amount: { name: 'amount', description: "The order's total, in euros", meta: {}, tags: [] },
      refunded: { name: 'refunded', description: 'Documented, but the model has no such column', meta: {}, tags: [] },
    },
  },
);
const ordersTarget = { schema: 'analytics', identifier: 'orders' };
const ordersColumns = columns(['id', 'integer'], ['customer_id', 'integer'], ['amount', 'numeric(12,2)'], ['ordered_at', 'timestamp without time zone'], ['payload', 'jsonb']);

const plainOrders = node('orders', {}, { raw_code: orders.raw_code });

const contracted = node(
  'kpi_daily',
  { contract: { enforced: true, alias_types: true } },
  {
    raw_code: 'select day, kpi_id, value\nfrom "analytics"."kpi_daily_source"',
    contract: { enforced: true, alias_types: true, checksum: null },
    constraints: [
      { type: 'primary_key', columns: ['day', 'kpi_id'] },
      { type: 'foreign_key', columns: ['kpi_id'], to: "ref('dim_kpi')", to_relation: '"analytics"."dim_kpi"', to_columns: ['kpi_id'] },
    ],
    columns: {
      day: { name: 'day', description: '', data_type: 'date', meta: {}, tags: [], constraints: [{ type: 'not_null' }] },
      kpi_id: { name: 'kpi_id', description: '', data_type: 'int', meta: {}, tags: [], constraints: [{ type: 'not_null' }] },
      value: { name: 'value', description: '', data_type: 'numeric', meta: {}, tags: [], constraints: [{ type: 'check', name: 'value_known', expression: 'value is not null or kpi_id = 27' }] },
    },
  },
);
const contractedTarget = { schema: 'analytics', identifier: 'kpi_daily' };
const contractedBuilt = columns(['day', 'date'], ['kpi_id', 'integer'], ['value', 'numeric']);
const contractedConstraints: CatalogConstraint[] = [
  { name: 'kpi_daily__kpi_tmp_pkey', type: 'p', definition: 'PRIMARY KEY (day, kpi_id)', columns: ['day', 'kpi_id'], references: null },
  { name: 'value_known', type: 'c', definition: 'CHECK (((value IS NOT NULL) OR (kpi_id = 27)))', columns: ['value', 'kpi_id'], references: null },
];
const referencingKpiDaily: ReferencingForeignKey[] = [
  { schema: 'marts', table: 'kpi_weekly', name: 'kpi_weekly_day_kpi_id_fkey', definition: 'FOREIGN KEY (day, kpi_id) REFERENCES analytics.kpi_daily(day, kpi_id)' },
];

const TABLE: Scenario[] = [
  tableScenario({
    name: 'table-contract-first-build',
    title: 'table: the first build of a model with an enforced contract: created with its columns and constraints, then filled',
    node: contracted,
    target: contractedTarget,
    existing: null,
    built: contractedBuilt,
    constraints: contractedConstraints,
    facts: ['its contract matched the columns of its SELECT (checked before this plan)'],
  }),
  tableScenario({
    name: 'table-contract-rebuild-referenced',
    title: "table: a rebuild of a contracted table that another table's foreign key references: the key is taken off and put back",
    node: contracted,
    target: contractedTarget,
    existing: 'table',
    built: contractedBuilt,
    constraints: contractedConstraints,
    referencing: referencingKpiDaily,
    oldConstraints: [
      { name: 'kpi_daily_pkey', type: 'p', definition: 'PRIMARY KEY (day, kpi_id)', columns: ['day', 'kpi_id'], references: null },
      {
        name: 'kpi_daily_kpi_id_fkey',
        type: 'f',
        definition: 'FOREIGN KEY (kpi_id) REFERENCES analytics.dim_kpi(kpi_id)',
        columns: ['kpi_id'],
        references: { schema: 'analytics', identifier: 'dim_kpi', columns: ['kpi_id'] },
      },
    ],
    facts: ['the table has a foreign key of its own (to "analytics"."dim_kpi"): it is dropped after the commit'],
  }),
  tableScenario({
    name: 'table-citus-contract-rebuild-referenced',
    title:
      "table on Citus: a rebuild of a contracted table distributed by kpi_id that another table's foreign key references: made empty, distributed, filled; keys renamed through their indexes, foreign keys named",
    node: { ...contracted, config: { ...contracted.config, distributed_by: 'kpi_id' } },
    target: contractedTarget,
    existing: 'table',
    citus: true,
    built: contractedBuilt,
    constraints: contractedConstraints,
    referencing: referencingKpiDaily,
    oldConstraints: [
      { name: 'kpi_daily_pkey', type: 'p', definition: 'PRIMARY KEY (day, kpi_id)', columns: ['day', 'kpi_id'], references: null },
      {
        name: 'kpi_daily_kpi_id_fkey',
        type: 'f',
        definition: 'FOREIGN KEY (kpi_id) REFERENCES analytics.dim_kpi(kpi_id)',
        columns: ['kpi_id'],
        references: { schema: 'analytics', identifier: 'dim_kpi', columns: ['kpi_id'] },
      },
    ],
    facts: ['the target has Citus, and the model is configured distributed_by: kpi_id', 'the table has a foreign key of its own (to "analytics"."dim_kpi"): it is dropped after the commit'],
  }),
  tableScenario({
    name: 'table-first-build',
    title: 'table: the first build, with indexes, hooks, persist_docs and grants',
    node: orders,
    target: ordersTarget,
    existing: null,
    built: ordersColumns,
  }),
  tableScenario({
    name: 'table-rebuild-dependent-views',
    title: 'table: a rebuild that keeps the two views on the table (one on the other) alive',
    node: plainOrders,
    target: ordersTarget,
    existing: 'table',
    built: ordersColumns,
    dependents: [
      view('analytics', 'orders_recent', 1, " SELECT orders.id,\n    orders.amount\n   FROM analytics.orders\n  WHERE orders.ordered_at > (now() - '7 days'::interval)", {
        comment: 'Orders of the last seven days',
        columnComments: [{ column: 'amount', comment: 'In euros' }],
        grants: [
          { privilege: 'SELECT', grantee: 'bi_reader' },
          { privilege: 'SELECT', grantee: 'public' },
        ],
      }),
      view('bi', 'recent_revenue', 2, ' SELECT sum(orders_recent.amount) AS revenue\n   FROM analytics.orders_recent', { grants: [{ privilege: 'SELECT', grantee: 'Finance Team' }] }),
    ],
    facts: ['"analytics"."orders_recent" is granted to a role and to PUBLIC: both grants are recreated'],
  }),
  tableScenario({
    name: 'table-replaces-view',
    title: 'table: a view the model built before is replaced by the table',
    node: plainOrders,
    target: ordersTarget,
    existing: 'view',
    built: ordersColumns.slice(0, 4),
  }),
  tableScenario({
    name: 'table-replaces-materialized-view',
    title: 'table: a materialized view the model built before is replaced by the table',
    node: plainOrders,
    target: ordersTarget,
    existing: 'materialized_view',
    built: ordersColumns.slice(0, 4),
  }),
];

// ---------------------------------------------------------------------------------------
// incremental

interface IncrementScenario {
  name: string;
  title: string;
  node: ManifestNode;
  source: CatalogColumn[];
  existing: CatalogColumn[];
  dependents?: DependentView[];
  grants?: CatalogGrant[];
}

const dailyTarget = { schema: 'analytics', identifier: 'orders_daily' };
/** The model's compiled SELECT, returning `source`. */
const dailySql = (source: readonly CatalogColumn[]) =>
  `select ${source.map((item) => item.name).join(', ')}\nfrom "raw"."orders_daily_source"\nwhere day > (select max(day) from "analytics"."orders_daily")`;

function incrementLines(scenario: IncrementScenario): Line[] {
  const config = resolveIncrementalConfig(scenario.node);
  const facts: IncrementFacts = { node: scenario.node, config, target: dailyTarget, sql: dailySql(scenario.source) };
  const plan = planIncrement(facts);
  const staged = { source: scenario.source, existing: scenario.existing };
  const lines: Line[] = [...plan.before, begin, ...plan.stage, read(`the columns of pg_temp."${plan.staging}" and of ${describe(dailyTarget)}`)];
  let planned;
  try {
    planned = planColumns(facts, staged);
  } catch (error) {
    return [...lines, ...failure(error), note('the transaction rolls back: the table is as it was'), { kind: 'sql', sql: 'rollback' }];
  }
  const touches = changeTouchesViews(planned.change);
  const wantsGrants = Object.keys(scenario.node.config.grants).length > 0;
  if (touches) lines.push(read(`the views on ${describe(dailyTarget)}`));
  if (wantsGrants) lines.push(read(`the grants on ${describe(dailyTarget)}`));
  const more = { dependents: touches ? (scenario.dependents ?? []) : [], grants: wantsGrants ? (scenario.grants ?? []) : [] };
  return [...lines, ...applySteps(facts, staged, planned, more), commit, ...plan.after];
}

function incrementScenario(scenario: IncrementScenario): Scenario {
  const list = (items: CatalogColumn[]) => items.map((item) => `${item.name} ${item.dataType}`).join(', ');
  const facts = [
    `${describe(dailyTarget)} is a table: ${list(scenario.existing)}`,
    `the model returns: ${list(scenario.source)}`,
    `config: ${JSON.stringify(Object.fromEntries(Object.entries(scenario.node.config).filter(([key, value]) => key !== 'materialized' && !isEmpty(value))))}`,
    ...(scenario.dependents ?? []).map((dependent) => `view ${describe({ schema: dependent.schema, identifier: dependent.name })} (depth ${dependent.depth}) depends on it`),
    ...(scenario.grants ?? []).map((grant) => `granted now: ${grant.privilege} to ${grant.grantee}`),
  ];
  return { name: scenario.name, render: () => renderPlan(scenario.title, facts, incrementLines(scenario), scenario.node) };
}

const incremental = (config: Partial<NodeConfig>, more: Partial<ManifestNode> = {}) => node('orders_daily', { materialized: 'incremental', ...config }, more);

const dailyColumns = columns(['id', 'integer'], ['day', 'date'], ['code', 'character varying(5)'], ['amount', 'integer'], ['note', 'text']);
/** The model's output since the table was built: `code` longer, `amount` numeric, a new `channel`. */
const changedSource = columns(['id', 'integer'], ['day', 'date'], ['code', 'character varying(10)'], ['amount', 'numeric(12,2)'], ['note', 'text'], ['channel', 'text']);
const dailyView = view('analytics', 'orders_daily_totals', 1, ' SELECT orders_daily.day,\n    sum(orders_daily.amount) AS amount\n   FROM analytics.orders_daily\n  GROUP BY orders_daily.day');

const STRATEGIES: Array<{ slug: string; config: Partial<NodeConfig> }> = [
  { slug: 'append', config: { incremental_strategy: 'append' } },
  { slug: 'delete-insert', config: { incremental_strategy: 'delete+insert', unique_key: 'id' } },
  { slug: 'merge', config: { incremental_strategy: 'merge', unique_key: 'id' } },
];
const MODES = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] as const;

const INCREMENTAL: Scenario[] = [
  incrementScenario({
    name: 'incremental-append',
    title: 'incremental append: the new rows inserted as they are, an index added to the config since the build',
    node: incremental({ incremental_strategy: 'append', indexes: [{ columns: ['day'] }] }),
    source: dailyColumns,
    existing: dailyColumns,
  }),
  incrementScenario({
    name: 'incremental-delete-insert',
    title: 'incremental delete+insert by a composite key, narrowed by predicates (each in parentheses); grants kept as configured',
    node: incremental(
      {
        incremental_strategy: 'delete+insert',
        unique_key: ['id', 'day'],
        incremental_predicates: ["DBT_INTERNAL_DEST.day > '2024-01-01'", 'a or b'],
        grants: { select: ['reporting'] },
        persist_docs: { relation: true, columns: true },
      },
      { description: 'Orders by day', columns: { amount: { name: 'amount', description: 'In euros', meta: {}, tags: [] } } },
    ),
    source: dailyColumns,
    existing: dailyColumns,
    grants: [
      { privilege: 'SELECT', grantee: 'reporting' },
      { privilege: 'SELECT', grantee: 'old_reader' },
      { privilege: 'INSERT', grantee: 'etl' },
    ],
  }),
  incrementScenario({
    name: 'incremental-merge',
    title: 'incremental merge by key, predicates first in the match; key columns are not updated',
    node: incremental({ incremental_strategy: 'merge', unique_key: 'id', incremental_predicates: ['DBT_INTERNAL_DEST.day >= current_date - 7'] }),
    source: dailyColumns,
    existing: dailyColumns,
  }),
  incrementScenario({
    name: 'incremental-merge-key-only',
    title: 'incremental merge whose every column is in the key: a match does nothing',
    node: incremental({ incremental_strategy: 'merge', unique_key: ['id', 'day'] }),
    source: dailyColumns.slice(0, 2),
    existing: dailyColumns.slice(0, 2),
  }),
  ...STRATEGIES.flatMap((strategy) =>
    MODES.map((mode) =>
      incrementScenario({
        name: `incremental-${strategy.slug}-${mode.replace(/_/g, '-')}`,
        title: `incremental ${String(strategy.config.incremental_strategy)}, on_schema_change='${mode}', the model's columns changed`,
        node: incremental({ ...strategy.config, on_schema_change: mode }),
        source: changedSource,
        existing: dailyColumns,
        dependents: [dailyView],
      }),
    ),
  ),
  incrementScenario({
    name: 'incremental-sync-all-columns-drop',
    title: "incremental on_schema_change='sync_all_columns': one ALTER TABLE adds, drops and retypes; the views on the table are recreated around it",
    node: incremental({ incremental_strategy: 'merge', unique_key: 'id', on_schema_change: 'sync_all_columns' }),
    source: columns(['id', 'integer'], ['day', 'date'], ['amount', 'numeric(12,2)'], ['note', 'character varying(20)']),
    existing: columns(['id', 'integer'], ['day', 'date'], ['amount', 'integer'], ['old', 'text']),
    dependents: [dailyView, view('bi', 'daily_revenue', 2, ' SELECT orders_daily_totals.day,\n    orders_daily_totals.amount\n   FROM analytics.orders_daily_totals')],
  }),
  incrementScenario({
    name: 'incremental-ignore-removed-column',
    title: "incremental on_schema_change='ignore': the model no longer returns a column the table has",
    node: incremental({ incremental_strategy: 'append' }),
    source: dailyColumns.slice(0, 4),
    existing: dailyColumns,
  }),
];

// ---------------------------------------------------------------------------------------
// seeds

const seedTarget = { schema: 'raw', identifier: 'dim_kpi' };
const seedColumns = [
  { name: 'kpi_id', type: 'integer' },
  { name: 'kpi_code', type: 'text' },
  { name: 'kpi_name', type: 'text' },
  { name: 'format', type: 'text' },
];
const seedNode = node('dim_kpi', { materialized: 'seed', grants: { select: ['reporting'] } }, { unique_id: 'seed.kpi.dim_kpi', original_file_path: 'seeds/dim_kpi.csv' });

function seedFacts(existing: ExistingType | null): SeedFacts {
  return { node: seedNode, target: seedTarget, file: 'seeds/dim_kpi.csv', header: seedColumns.map((item) => item.name), existing };
}

const seedHeader = `the file's header: ${seedColumns.map((item) => `${item.name} (${item.type})`).join(', ')}`;

function seedSwapScenario(name: string, title: string, existing: ExistingType | null, options: { streaming?: boolean; typesChange?: boolean; dependents?: DependentView[] } = {}): Scenario {
  const wider = seedColumns.map((item) => (item.name === 'kpi_id' ? { ...item, type: 'bigint' } : item));
  const final = options.typesChange ? wider : seedColumns;
  return tableScenario({
    name,
    title,
    node: seedNode,
    target: seedTarget,
    existing,
    built: final.map((item, at) => column(item.name, item.type, at + 1)),
    dependents: options.dependents,
    facts: [seedHeader, ...(options.streaming ? ['the file is still being read when COPY starts'] : [])],
    build: (temp) => seedFillSteps(temp, seedColumns, { savepoint: Boolean(options.streaming) }),
    afterBuild: options.typesChange ? (temp) => [note('COPY stops: further into the file, kpi_id needs bigint'), ...seedRetrySteps(temp, wider)] : undefined,
  });
}

function seedReloadScenario(name: string, title: string, current: CatalogColumn[], referencing: ReferencingForeignKey[] = []): Scenario {
  const facts = seedFacts('table');
  const lines = (): Line[] => {
    const read0 = read(`the columns of ${describe(seedTarget)}`);
    try {
      checkSeedTarget(facts);
      checkSeedColumns(facts, current);
    } catch (error) {
      return [read0, ...failure(error)];
    }
    if (referencing.length > 0) {
      const plan = planReferencedSeedReload(facts, current, referencing);
      return [
        read0,
        note(`read from the catalog: the foreign keys on ${describe(seedTarget)}`),
        ...plan.before,
        begin,
        ...plan.stage,
        statement(plan.compare),
        note("when the staged rows differ from the table's:"),
        ...plan.refill,
        note('when they do not (the unchanged file of an ordinary build):'),
        ...plan.unchanged,
        commit,
        ...plan.after,
      ];
    }
    const plan = planSeedReload(facts, current, referencing);
    return [read0, ...plan.before, begin, ...plan.transaction, commit, ...plan.after];
  };
  const list = current.map((item) => `${item.name} ${item.dataType}`).join(', ');
  const keys = referencing.map((key) => `foreign key ${key.name} of ${describe({ schema: key.schema, identifier: key.table })} references it`);
  return { name, render: () => renderPlan(title, [`${describe(seedTarget)} is a table: ${list}`, seedHeader, ...keys], lines(), seedNode) };
}

const SEEDS: Scenario[] = [
  seedReloadScenario(
    'seed-reload-referenced',
    "seed: a reload of a table another table's foreign key references: the file's rows staged and compared; only when they differ is the key taken off for the truncate and put back after the load",
    seedColumns.map((item, at) => column(item.name, item.type, at + 1)),
    [{ schema: 'analytics', table: 'kpi_daily', name: 'kpi_daily_kpi_id_fkey', definition: 'FOREIGN KEY (kpi_id) REFERENCES raw.dim_kpi(kpi_id)' }],
  ),
  seedSwapScenario('seed-first-load', 'seed: the first load, the whole file read before COPY', null),
  seedSwapScenario('seed-first-load-streaming', 'seed: the first load of a large file, COPY starting while the file is read', null, { streaming: true }),
  seedSwapScenario('seed-first-load-types-change', 'seed: a large file whose end calls for other types: back to the savepoint, and load again', null, { streaming: true, typesChange: true }),
  seedSwapScenario('seed-full-refresh-dependent-view', 'seed: --full-refresh of a loaded seed with a view on it', 'table', {
    dependents: [view('analytics', 'kpi_names', 1, ' SELECT dim_kpi.kpi_id,\n    dim_kpi.kpi_name\n   FROM raw.dim_kpi')],
  }),
  seedReloadScenario(
    'seed-reload-unchanged-columns',
    'seed: a reload with the same columns truncates and refills the same table',
    seedColumns.map((item, at) => column(item.name, item.type, at + 1)),
  ),
  seedReloadScenario(
    'seed-reload-changed-columns',
    'seed: a reload whose file has other columns than the table',
    columns(['kpi_id', 'integer'], ['kpi_code', 'text'], ['kpi_label', 'text'], ['format', 'text']),
  ),
  {
    name: 'seed-refuses-view',
    render: () => {
      let lines: Line[];
      try {
        checkSeedTarget(seedFacts('view'));
        lines = [];
      } catch (error) {
        lines = failure(error);
      }
      return renderPlan("seed: a view stands at the seed's name", [`${describe(seedTarget)} is a view`], lines, seedNode);
    },
  },
];

// ---------------------------------------------------------------------------------------
// materialized views

const mvTarget = { schema: 'analytics', identifier: 'revenue_by_day' };
const mvSql = 'select day, sum(amount) as revenue\nfrom "analytics"."orders"\ngroup by day';

function mvScenario(name: string, title: string, config: Partial<NodeConfig>, facts: Partial<MaterializedViewFacts>, lines: string[]): Scenario {
  const mvNode = node('revenue_by_day', { materialized: 'materialized_view', indexes: [{ columns: ['day'], unique: true }], grants: { select: ['reporting'] }, ...config });
  const all: MaterializedViewFacts = {
    node: mvNode,
    target: mvTarget,
    existing: null,
    fullRefresh: false,
    sql: mvSql,
    definitionChanged: false,
    indexes: [],
    dependents: [],
    columns: ['day', 'revenue'],
    ...facts,
  };
  const render = (): string => {
    let body: Line[];
    try {
      const action = materializedViewAction(all);
      const plan = planMaterializedView(all, action);
      body = [note(`action: ${action}`), ...plan.before, begin, ...plan.transaction, commit, ...plan.after];
    } catch (error) {
      body = failure(error);
    }
    return renderPlan(title, [listFacts(all.existing, mvTarget), ...lines], body, mvNode);
  };
  return { name, render };
}

const MATERIALIZED_VIEWS: Scenario[] = [
  mvScenario('materialized-view-create', 'materialized view: the first run creates it with its index and grants', {}, {}, []),
  mvScenario(
    'materialized-view-refresh',
    'materialized view: a later run with the same SELECT and indexes refreshes it',
    {},
    { existing: 'materialized_view', indexes: ['revenue_by_day__0cab6baa7a_idx'] },
    ["its SELECT deparses as the model's; its index is the configured one"],
  ),
  mvScenario(
    'materialized-view-rebuild-dependent-view',
    'materialized view: a changed SELECT rebuilds it beside the old one and swaps it in, the view on it kept',
    {},
    {
      existing: 'materialized_view',
      definitionChanged: true,
      dependents: [view('bi', 'recent_revenue', 1, ' SELECT revenue_by_day.day,\n    revenue_by_day.revenue\n   FROM analytics.revenue_by_day\n  WHERE revenue_by_day.day > (CURRENT_DATE - 7)')],
    },
    ["its SELECT differs from the model's", 'view "bi"."recent_revenue" (depth 1) depends on it'],
  ),
  mvScenario(
    'materialized-view-apply-indexes',
    'materialized view: on_configuration_change apply alters its indexes, then refreshes it',
    {},
    { existing: 'materialized_view', indexes: ['revenue_by_day__1111111111_idx'] },
    ['it has an index kpi made for a config that no longer lists it'],
  ),
  mvScenario(
    'materialized-view-fail-indexes',
    'materialized view: on_configuration_change fail refuses a change of its indexes',
    { on_configuration_change: 'fail' },
    { existing: 'materialized_view', indexes: [] },
    ['the configured index is missing'],
  ),
];

export const SCENARIOS: Scenario[] = [...TABLE, ...INCREMENTAL, ...SEEDS, ...MATERIALIZED_VIEWS, ...SNAPSHOTS];
