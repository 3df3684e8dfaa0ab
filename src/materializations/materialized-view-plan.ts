import type { DependentView, ExistingType } from '../adapters/catalog.js';
import { quoteIdentifier } from '../adapters/quote.js';
import { KpiError } from '../errors.js';
import type { ManifestNode } from '../manifest/types.js';
import { createIndex, dropRelation, q, renameIndex, renameRelation, type RelationName } from './ddl.js';
import { dropDependentViews, recreateDependentViews } from './dependent-views.js';
import { docsAndGrants } from './relation-extras.js';
import { hookStep, statement, statements, type Step, type TransactionPlan } from './step.js';
import { planIndexes, swapNames } from './table-swap-plan.js';

export type ConfigurationChange = 'apply' | 'continue' | 'fail';

/** What a materialized view's run is planned from. */
export interface MaterializedViewFacts {
  node: ManifestNode;
  target: RelationName;
  existing: ExistingType | null;
  fullRefresh: boolean;
  /** The model's compiled SELECT. */
  sql: string;
  /** Whether the SELECT differs from the materialized view's (both as Postgres deparses them). */
  definitionChanged: boolean;
  /** The names of the materialized view's indexes. */
  indexes: readonly string[];
  /** The views on the relation, read when it is replaced. */
  dependents: readonly DependentView[];
  /** Its columns, for comments. */
  columns: readonly string[];
}

export type MaterializedViewAction = 'create' | 'refresh' | 'rebuild' | 'apply' | 'continue';

export function onConfigurationChange(node: ManifestNode): ConfigurationChange {
  const value = node.config.on_configuration_change ?? 'apply';
  if (value === 'apply' || value === 'continue' || value === 'fail') return value;
  throw new KpiError('KPI_CONFIG_INVALID', `model '${node.name}' has on_configuration_change=${JSON.stringify(value)}; use apply, continue or fail`, {
    node: node.unique_id,
    location: { file: node.original_file_path },
  });
}

/** The configured indexes missing on the materialized view, and kpi's indexes on it no longer configured. */
export function indexChanges(facts: Pick<MaterializedViewFacts, 'node' | 'target' | 'indexes'>): { create: ReturnType<typeof planIndexes>; drop: string[] } {
  const planned = planIndexes(facts.target, facts.node.config.indexes);
  const wanted = new Set(planned.map((index) => index.final));
  const ours = (name: string) => name.startsWith(`${facts.target.identifier}__`) && name.endsWith('_idx');
  return { create: planned.filter((index) => !facts.indexes.includes(index.final)), drop: facts.indexes.filter((name) => ours(name) && !wanted.has(name)) };
}

/**
 * dbt-postgres's materialized view: created when nothing is there; refreshed on later runs
 * when its definition and configuration are unchanged; rebuilt when the SELECT changed, on
 * --full-refresh, or when a view or table stands at its name. A change of its indexes is
 * `on_configuration_change`'s: `apply` alters them (and refreshes), `continue` refreshes
 * and reports the change, `fail` fails the model.
 */
export function materializedViewAction(facts: MaterializedViewFacts): MaterializedViewAction {
  const policy = onConfigurationChange(facts.node);
  if (facts.existing === null) return 'create';
  if (facts.existing === 'foreign_table') {
    throw new KpiError('KPI_UNSAFE_OPERATION', `${facts.target.schema}.${facts.target.identifier} is a foreign table that kpi did not create; it will not replace it`, { node: facts.node.unique_id });
  }
  if (facts.existing !== 'materialized_view' || facts.fullRefresh || facts.definitionChanged) return 'rebuild';
  const changes = indexChanges(facts);
  if (changes.create.length === 0 && changes.drop.length === 0) return 'refresh';
  if (policy === 'fail') {
    throw new KpiError('KPI_SCHEMA_CHANGE', `the indexes of materialized view ${facts.target.schema}.${facts.target.identifier} changed, and on_configuration_change is fail`, {
      node: facts.node.unique_id,
      hint: 'set on_configuration_change to apply, or run with --full-refresh',
    });
  }
  return policy;
}

/** The statements of each action, pure; `rebuild` swaps a new materialized view in, its dependent views kept. */
export function planMaterializedView(facts: MaterializedViewFacts, action: MaterializedViewAction): TransactionPlan {
  const { node, target, sql } = facts;
  const finish = [...statements(docsAndGrants(node, target, 'materialized view', facts.columns)), ...hookStep(node, 'post_hook', true)];
  const plan = (transaction: Step[], before: Step[] = []): TransactionPlan => ({
    before: [...hookStep(node, 'pre_hook', false), ...before],
    transaction: [...hookStep(node, 'pre_hook', true), ...transaction, ...finish],
    after: hookStep(node, 'post_hook', false),
  });
  const refresh = statement(`refresh materialized view ${q(target)}`, 'build');
  switch (action) {
    case 'create':
      return plan([
        statement(`create materialized view ${q(target)} as (\n${sql}\n)`, 'build'),
        ...planIndexes(target, node.config.indexes).map((index) => statement(createIndex(target, index.config, index.final))),
      ]);
    case 'refresh':
    case 'continue':
      return plan([refresh]);
    case 'apply': {
      const changes = indexChanges(facts);
      return plan([
        ...changes.drop.map((name) => statement(`drop index if exists ${quoteIdentifier(target.schema)}.${quoteIdentifier(name)}`)),
        ...changes.create.map((index) => statement(createIndex(target, index.config, index.final))),
        refresh,
      ]);
    }
    case 'rebuild': {
      const { temp } = swapNames(target);
      const indexes = planIndexes(target, node.config.indexes);
      const kind = facts.existing === 'materialized_view' ? 'materialized view' : facts.existing === 'view' ? 'view' : 'table';
      return plan(
        [
          statement(`create materialized view ${q(temp)} as (\n${sql}\n)`, 'build'),
          ...indexes.map((index) => statement(createIndex(temp, index.config, index.temporary))),
          ...statements(dropDependentViews(facts.dependents)),
          statement(dropRelation(target, kind)),
          statement(renameRelation(temp, 'materialized view', target.identifier)),
          ...indexes.map((index) => statement(renameIndex(target.schema, index.temporary, index.final))),
          ...statements(recreateDependentViews(facts.dependents), 'restore-views'),
        ],
        [statement(dropRelation(temp, 'materialized view'))],
      );
    }
  }
}
