import type { ManifestNode } from '../manifest/types.js';
import { commentOnColumn, commentOnRelation, grant, type RelationName } from './ddl.js';
import type { MaterializationContext } from './materialization.js';

/**
 * What makes an output friendly to BI tools: `persist_docs` descriptions as comments, and
 * `grants`. Column comments go only on columns the relation really has.
 */
export function docsAndGrants(node: ManifestNode, relation: RelationName, kind: 'table' | 'view' | 'materialized view', columns: readonly string[]): string[] {
  const statements: string[] = [];
  if (node.config.persist_docs.relation && node.description) statements.push(commentOnRelation(relation, kind, node.description));
  if (node.config.persist_docs.columns) {
    const present = new Set(columns);
    for (const column of Object.values(node.columns)) {
      if (column.description && present.has(column.name)) statements.push(commentOnColumn(relation, column.name, column.description));
    }
  }
  for (const [privilege, grantees] of Object.entries(node.config.grants)) {
    for (const grantee of grantees) statements.push(grant(relation, privilege, grantee));
  }
  return statements;
}

export async function runHooks(context: Pick<MaterializationContext, 'node' | 'run' | 'renderHook'>, which: 'pre_hook' | 'post_hook', inTransaction: boolean): Promise<void> {
  for (const hook of context.node.config[which]) {
    if (hook.transaction !== inTransaction) continue;
    const sql = await context.renderHook(hook);
    if (sql.trim()) await context.run(sql);
  }
}

export async function runAll(context: MaterializationContext, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await context.run(statement);
}
