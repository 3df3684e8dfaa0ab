/**
 * Every question kpi asks the database's catalog, in one place (catalog/): what a relation
 * is, its columns, the relations of a schema, the views that depend on a relation, its
 * grants and comments. Each question has one answer shape that callers map from. Both
 * adapters speak Postgres, so one query serves both; each question is also a
 * `CatalogQuery` (plain data), so templates ask the same ones through their replayed
 * `run_query`.
 *
 * Constraints are read back where a table swap must name them (the new table's, the
 * foreign keys of other tables on the one replaced) and where tests look for them.
 */
import type { Connection } from './adapter.js';
import type { CatalogRelation } from './catalog/catalog-query.js';
import { relationKind, type RelationKind } from './catalog/relation-kind.js';

export { answer, ask, type CatalogQuery, type CatalogRelation } from './catalog/catalog-query.js';
export { relationKind, relationKindQuery, relationKinds, relationKindsQuery, templateRelationType, type RelationKind } from './catalog/relation-kind.js';
export { relationColumns, relationColumnsQuery, type CatalogColumn, type ColumnsOptions } from './catalog/relation-columns.js';
export { describeRelations, relationsInSchemaQuery, schemasQuery, type CatalogRelationDescription } from './catalog/schema-relations.js';
export { dependentViews, dependentViewsQuery, type DependentView } from './catalog/dependent-views.js';
export { relationGrants, relationGrantsQuery, type CatalogGrant } from './catalog/relation-grants.js';
export {
  referencingForeignKeys,
  referencingForeignKeysQuery,
  relationConstraints,
  relationConstraintsQuery,
  type CatalogConstraint,
  type ReferencingForeignKey,
} from './catalog/relation-constraints.js';
export { queryColumns, type QueryColumn } from './catalog/query-columns.js';
export { relationIndexes, relationIndexesQuery, viewDefinition, viewDefinitionQuery } from './catalog/view-definition.js';
export { citusInstalled, citusInstalledQuery, tableDistribution, tableDistributionQuery, type CatalogDistribution } from './catalog/citus.js';

/** What stands at a node's name when it runs: the kind of relation, or null. */
export type ExistingType = RelationKind;

export function existingRelation(connection: Connection, relation: CatalogRelation): Promise<ExistingType | null> {
  return relationKind(connection, relation);
}
