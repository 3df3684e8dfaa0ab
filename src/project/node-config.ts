import { closestMatch } from '../errors.js';
import type { Diagnostics } from '../support/diagnostics.js';
import type { HookConfig, NodeConfig, ResourceType } from '../manifest/types.js';

/** Config keys kpi acts on, per dbt's names. */
export const KNOWN_CONFIG_KEYS = [
  'enabled',
  'materialized',
  'schema',
  'database',
  'alias',
  'tags',
  'meta',
  'pre_hook',
  'post_hook',
  'persist_docs',
  'grants',
  'indexes',
  'full_refresh',
  'unique_key',
  'incremental_strategy',
  'on_schema_change',
  'incremental_predicates',
  'merge_update_columns',
  'merge_exclude_columns',
  'event_time',
  'batch_size',
  'begin',
  'lookback',
  'concurrent_batches',
  'sql_header',
  'unlogged',
  'docs',
  'contract',
  'group',
  'access',
  'column_types',
  'quote_columns',
  'delimiter',
  'severity',
  'warn_if',
  'error_if',
  'where',
  'limit',
  'fail_calc',
  'store_failures',
  'store_failures_as',
  'loaded_at_field',
  'freshness',
  'strategy',
  'updated_at',
  'check_cols',
  'target_schema',
  'target_database',
  'snapshot_meta_column_names',
  'hard_deletes',
  'invalidate_hard_deletes',
  'dbt_valid_to_current',
  'lookback_days',
];

/** Configs for other warehouses: kept in the node's config, ignored on Postgres, never warned about. */
export const FOREIGN_CONFIG_KEYS = [
  'sort',
  'dist',
  'sort_type',
  'bind',
  'partition_by',
  'cluster_by',
  'partitions',
  'labels',
  'kms_key_name',
  'require_partition_filter',
  'partition_expiration_days',
  'transient',
  'copy_grants',
  'query_tag',
  'snowflake_warehouse',
  'secure',
  'automatic_clustering',
  'file_format',
  'location_root',
  'clustered_by',
  'buckets',
  'tblproperties',
  'as_columnstore',
  'dataset',
  'project',
  'packages',
  'python_version',
  'submission_method',
  'on_configuration_change',
  'target_lag',
  'backup',
];

const DICT_MERGE_KEYS = new Set(['meta', 'grants', 'persist_docs', 'docs', 'column_types']);

export function normalizeConfigKey(key: string): string {
  const bare = key.startsWith('+') ? key.slice(1) : key;
  return bare.replace(/-/g, '_');
}

export function defaultMaterialization(resourceType: ResourceType): string {
  switch (resourceType) {
    case 'seed':
      return 'seed';
    case 'test':
      return 'test';
    case 'snapshot':
      return 'snapshot';
    case 'unit_test':
      return 'unit';
    default:
      return 'view';
  }
}

export function normalizeHooks(value: unknown, transactionDefault = true): HookConfig[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((item): HookConfig[] => {
    if (typeof item === 'string') return item.trim() ? [{ sql: item, transaction: transactionDefault }] : [];
    if (item && typeof item === 'object' && 'sql' in item) {
      const hook = item as { sql: unknown; transaction?: unknown };
      return [{ sql: String(hook.sql), transaction: hook.transaction === undefined ? transactionDefault : Boolean(hook.transaction) }];
    }
    return [];
  });
}

function toList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * Layer `update` over `base` as dbt does: tags and hooks accumulate, dict-valued
 * configs (meta, grants, persist_docs) merge key by key, everything else overrides.
 */
export function mergeConfig(base: Record<string, unknown>, update: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...base };
  for (const [rawKey, value] of Object.entries(update)) {
    const key = normalizeConfigKey(rawKey);
    if (key === 'tags') merged.tags = [...new Set([...toList(merged.tags), ...toList(value)])];
    else if (key === 'pre_hook' || key === 'post_hook') merged[key] = [...normalizeHooks(merged[key]), ...normalizeHooks(value)];
    else if (DICT_MERGE_KEYS.has(key) && isPlainObject(value) && isPlainObject(merged[key])) merged[key] = { ...(merged[key] as object), ...value };
    else merged[key] = value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The configs a `models:`/`seeds:` tree in the project file gives a node at `path`
 * (its package, then its folders, then its name). `+key` is always a config; a bare key
 * is a config when it is a known config name and not a folder on the path.
 */
export function configFromTree(tree: Record<string, unknown>, packageName: string, path: readonly string[]): Record<string, unknown> {
  let config: Record<string, unknown> = {};
  const levels: Record<string, unknown>[] = [tree];
  let current: unknown = tree[packageName];
  const parts = [...path];
  if (isPlainObject(current)) {
    levels.push(current);
    for (const part of parts) {
      current = (current as Record<string, unknown>)[part];
      if (!isPlainObject(current)) break;
      levels.push(current);
    }
  }
  for (const level of levels) config = mergeConfig(config, configEntries(level, level === tree ? [packageName] : parts));
  return config;
}

function configEntries(level: Record<string, unknown>, childNames: readonly string[]): Record<string, unknown> {
  const entries: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(level)) {
    if (key.startsWith('+')) entries[key] = value;
    else if (!childNames.includes(key) && isConfigKey(normalizeConfigKey(key)) && (!isPlainObject(value) || DICT_MERGE_KEYS.has(normalizeConfigKey(key)))) {
      entries[key] = value;
    }
  }
  return entries;
}

function isConfigKey(key: string): boolean {
  return KNOWN_CONFIG_KEYS.includes(key) || FOREIGN_CONFIG_KEYS.includes(key);
}

/**
 * Warn about config keys kpi does not know (and fail on near misses of ones it does,
 * like `materalized`), walking a project-file tree. Folder names are not configs.
 */
export function checkConfigTree(tree: Record<string, unknown>, section: string, diagnostics: Diagnostics, locate: (path: string[]) => { file: string; line?: number; column?: number }, path: string[] = []): void {
  for (const [key, value] of Object.entries(tree)) {
    if (key.startsWith('+')) checkConfigKey(normalizeConfigKey(key), [section, ...path, key], diagnostics, locate);
    else if (isPlainObject(value) && !DICT_MERGE_KEYS.has(normalizeConfigKey(key))) checkConfigTree(value, section, diagnostics, locate, [...path, key]);
  }
}

export function checkConfigKey(key: string, path: string[], diagnostics: Diagnostics, locate: (path: string[]) => { file: string; line?: number; column?: number }): void {
  if (isConfigKey(key)) return;
  const match = closestMatch(key, KNOWN_CONFIG_KEYS, 2);
  const dotted = path.join('.');
  if (match && match !== key) diagnostics.error('KPI_CONFIG_UNKNOWN_KEY', `unknown config '${dotted}'. Did you mean '${match}'?`, locate(path));
  else diagnostics.warn('KPI_CONFIG_UNKNOWN_KEY', `unknown config '${dotted}' is kept in the node's config but does nothing on Postgres`, locate(path));
}

/** Fill in the defaults every node's config has, so later stages can rely on them. */
export function finalizeConfig(resourceType: ResourceType, config: Record<string, unknown>): NodeConfig {
  const persist = isPlainObject(config.persist_docs) ? config.persist_docs : {};
  return {
    ...config,
    enabled: config.enabled === undefined ? true : Boolean(config.enabled),
    materialized: typeof config.materialized === 'string' ? config.materialized : defaultMaterialization(resourceType),
    tags: toList(config.tags),
    meta: isPlainObject(config.meta) ? config.meta : {},
    pre_hook: normalizeHooks(config.pre_hook),
    post_hook: normalizeHooks(config.post_hook),
    persist_docs: { relation: Boolean(persist.relation), columns: Boolean(persist.columns) },
    grants: normalizeGrants(config.grants),
  };
}

function normalizeGrants(value: unknown): Record<string, string[]> {
  if (!isPlainObject(value)) return {};
  const grants: Record<string, string[]> = {};
  for (const [privilege, grantees] of Object.entries(value)) grants[privilege.replace(/^\+/, '')] = toList(grantees);
  return grants;
}
