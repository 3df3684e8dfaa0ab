/**
 * Every question kpi asks the database's catalog, in one place (catalog/): what a relation
 * is, its columns, the relations of a schema, the views that depend on a relation, its
 * grants and comments. Each question has one answer shape that callers map from. Both
 * adapters speak Postgres, so one query serves both; each question is also a
 * `CatalogQuery` (plain data), so templates ask the same ones through their replayed
 * `run_query`.
 *
 * kpi declares constraints and indexes from model config and reads neither back, so no
 * question about them is asked yet; when one is, it goes here.
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

/** What stands at a node's name when it runs: the kind of relation, or null. */
export type ExistingType = RelationKind;

export function existingRelation(connection: Connection, relation: CatalogRelation): Promise<ExistingType | null> {
  return relationKind(connection, relation);
}
