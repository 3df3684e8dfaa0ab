import type { GraphMember } from '../manifest/types.js';

export type ModifiedKind = 'any' | 'body' | 'configs' | 'relation' | 'persisted_descriptions' | 'macros' | 'contract';

/** Config keys that do not change what a node builds; dbt leaves them out of state comparison too. */
const IGNORED_CONFIG_KEYS = new Set(['tags', 'meta', 'docs', 'persist_docs', 'grants']);

function comparableConfig(config: Record<string, unknown>): string {
  const kept = Object.entries(config)
    .filter(([key]) => !IGNORED_CONFIG_KEYS.has(key))
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(kept);
}

function field(member: GraphMember, key: string): unknown {
  return (member as unknown as Record<string, unknown>)[key];
}

/** dbt's `state:modified` and its sub-selectors, comparing a node with its earlier self. */
export function isModified(current: GraphMember, previous: GraphMember, kind: ModifiedKind): boolean {
  // An exposure builds nothing: as dbt's same_contents, it is modified when its definition is.
  if (current.resource_type === 'exposure') return kind === 'any' && exposureBody(current) !== exposureBody(previous);
  const body = () => JSON.stringify(field(current, 'checksum')) !== JSON.stringify(field(previous, 'checksum'));
  const configs = () => comparableConfig(current.config) !== comparableConfig(previous.config);
  const relation = () =>
    field(current, 'schema') !== field(previous, 'schema') ||
    field(current, 'alias') !== field(previous, 'alias') ||
    field(current, 'identifier') !== field(previous, 'identifier') ||
    field(current, 'database') !== field(previous, 'database');
  const descriptions = () => current.description !== previous.description || JSON.stringify(field(current, 'columns')) !== JSON.stringify(field(previous, 'columns'));
  switch (kind) {
    case 'body':
      return body();
    case 'configs':
      return configs();
    case 'relation':
      return relation();
    case 'persisted_descriptions':
      return descriptions();
    case 'macros':
    case 'contract':
      return false;
    default:
      return body() || configs() || relation() || (Boolean((current.config as { persist_docs?: { relation?: boolean } }).persist_docs?.relation) && descriptions());
  }
}

function exposureBody(member: GraphMember): string {
  const { created_at: _created, ...definition } = member as unknown as Record<string, unknown>;
  return JSON.stringify(definition);
}
