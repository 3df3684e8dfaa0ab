import type { SourceLocation } from '../errors.js';
import type { Diagnostics } from '../support/diagnostics.js';
import { isPlainObject } from '../support/is-plain-object.js';
import { reportKey, type KeyPolicy } from '../support/key-policy.js';

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
  'parallel_parts',
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
  // Citus (distributed Postgres); ignored on a target without it.
  'distributed_by',
  'colocate_with',
  'shard_count',
  'reference',
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

/** A node's configs, wherever they are written (project file, property YAML, `config()`), named without `+` and with `_`. */
export const CONFIG_KEY_POLICY: KeyPolicy = {
  known: KNOWN_CONFIG_KEYS,
  tolerated: FOREIGN_CONFIG_KEYS,
  unknown: 'warn',
  noun: 'config',
  fate: "is kept in the node's config but does nothing on Postgres",
};

/** Configs whose value is a mapping that merges key by key, rather than a folder of a config tree. */
export const DICT_CONFIG_KEYS = new Set(['meta', 'grants', 'persist_docs', 'docs', 'column_types']);

export function normalizeConfigKey(key: string): string {
  const bare = key.startsWith('+') ? key.slice(1) : key;
  return bare.replace(/-/g, '_');
}

export function isConfigKey(key: string): boolean {
  return KNOWN_CONFIG_KEYS.includes(key) || FOREIGN_CONFIG_KEYS.includes(key);
}

/**
 * Check one config key (as written: `+materialized`, `pre-hook`) of the node or tree at
 * `path`: unknown configs warn, a near miss of one kpi acts on (`materalized`) is an error.
 */
export function checkConfigKey(key: string, path: readonly string[], diagnostics: Diagnostics, locate: (path: string[]) => SourceLocation): void {
  reportKey(diagnostics, normalizeConfigKey(key), path.join('.'), CONFIG_KEY_POLICY, locate([...path]));
}

/**
 * Check the `+config` keys of a project-file tree (`models:`, `seeds:`...), walking its
 * folders. A bare key is a folder (or a config dbt reads bare), so only `+` keys are judged.
 */
export function checkConfigTree(tree: Record<string, unknown>, section: string, diagnostics: Diagnostics, locate: (path: string[]) => SourceLocation, path: string[] = []): void {
  for (const [key, value] of Object.entries(tree)) {
    if (key.startsWith('+')) checkConfigKey(key, [section, ...path, key], diagnostics, locate);
    else if (isPlainObject(value) && !DICT_CONFIG_KEYS.has(normalizeConfigKey(key))) checkConfigTree(value, section, diagnostics, locate, [...path, key]);
  }
}
