import type { ManifestIndex } from '../project/manifest-index.js';
import type { TableName } from './types.js';

/**
 * Where a table kpi alerts reads lives: `schema.table` as written; else the model or seed
 * of that name (its schema and alias, as the project builds it); else the target's schema.
 */
export function resolveTableName(index: ManifestIndex, name: string, targetSchema: string): TableName {
  const dot = name.indexOf('.');
  if (dot > 0) return { schema: name.slice(0, dot), identifier: name.slice(dot + 1) };
  const node = index.ref(name, null);
  if (node && node.config.materialized !== 'ephemeral') return { schema: node.schema, identifier: node.alias };
  return { schema: targetSchema, identifier: name };
}
