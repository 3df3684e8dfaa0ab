/**
 * The plain-data shapes that pass between stages. They serialise to `target/manifest.json`
 * in dbt's shape where it fits, and the runner reads exactly what is written there.
 */

export type ResourceType = 'model' | 'seed' | 'test' | 'source' | 'snapshot' | 'unit_test' | 'analysis' | 'operation';

export type Materialization = 'view' | 'table' | 'incremental' | 'ephemeral' | 'seed' | 'test' | 'unit' | string;

export interface IndexConfig {
  columns: string[];
  unique?: boolean;
  type?: string;
}

export interface NodeConfig {
  enabled: boolean;
  materialized: Materialization;
  schema?: string | null;
  database?: string | null;
  alias?: string | null;
  tags: string[];
  meta: Record<string, unknown>;
  pre_hook: HookConfig[];
  post_hook: HookConfig[];
  persist_docs: { relation?: boolean; columns?: boolean };
  grants: Record<string, string[]>;
  indexes?: IndexConfig[];
  full_refresh?: boolean | null;
  unique_key?: string | string[] | null;
  incremental_strategy?: string | null;
  on_schema_change?: string | null;
  [key: string]: unknown;
}

export interface HookConfig {
  sql: string;
  transaction: boolean;
}

export interface ColumnInfo {
  name: string;
  description: string;
  data_type?: string | null;
  meta: Record<string, unknown>;
  tags: string[];
  quote?: boolean | null;
  /** dbt's column-level constraints, applied when the model's contract is enforced. */
  constraints?: ColumnConstraint[];
}

export type ConstraintType = 'check' | 'not_null' | 'unique' | 'primary_key' | 'foreign_key' | 'custom';

/** A constraint as dbt's property YAML declares it on a column (`columns: [{constraints: [...]}]`). */
export interface ColumnConstraint {
  type: ConstraintType;
  name?: string | null;
  /** check: the condition; foreign_key (older form): `schema.table (column)`; custom: the whole clause. */
  expression?: string | null;
  /** foreign_key: `ref('model')` or `source('src', 'table')`, as written. */
  to?: string | null;
  to_columns?: string[];
  /** foreign_key: the relation `to` names, as the manifest resolves it (`"schema"."table"`). */
  to_relation?: string | null;
  warn_unenforced?: boolean;
  warn_unsupported?: boolean;
}

/** A model-level constraint (`constraints:` beside `columns:`): the columns it covers. */
export interface ModelConstraint extends ColumnConstraint {
  columns: string[];
}

/** dbt's `contract` config: with `enforced`, the columns and types the YAML declares are checked, and constraints created. */
export interface ContractConfig {
  enforced: boolean;
  alias_types: boolean;
}

export interface NodeRef {
  name: string;
  package: string | null;
  version?: string | number | null;
}

export interface TestMetadata {
  name: string;
  namespace: string | null;
  kwargs: Record<string, unknown>;
}

export interface ManifestNode {
  unique_id: string;
  resource_type: ResourceType;
  name: string;
  package_name: string;
  /** Path of the file inside its resource folder (`staging/stg_orders.sql`). */
  path: string;
  /** Path of the file relative to the project directory (`models/staging/stg_orders.sql`). */
  original_file_path: string;
  /** Where the node's properties came from (a property YAML file), when anywhere. */
  patch_path: string | null;
  fqn: string[];
  language: 'sql';
  raw_code: string;
  checksum: { name: 'sha256'; checksum: string };
  config: NodeConfig;
  tags: string[];
  description: string;
  columns: Record<string, ColumnInfo>;
  meta: Record<string, unknown>;
  docs: { show: boolean };
  refs: NodeRef[];
  sources: Array<[string, string]>;
  depends_on: { nodes: string[]; macros: string[] };
  database: string;
  schema: string;
  alias: string;
  identifier?: string;
  relation_name: string | null;
  /** Generic tests: what was declared and on which node/column. */
  test_metadata?: TestMetadata;
  column_name?: string | null;
  attached_node?: string | null;
  /** Seeds: the CSV file, relative to the project directory. */
  seed_file_path?: string;
  /** Unit tests: the whole declaration, resolved at run time. */
  unit_test?: Record<string, unknown>;
  /** Versioned models (`versions:` in YAML): this node's version, and the model's latest. */
  version?: string | number | null;
  latest_version?: string | number | null;
  /** Versioned models: when this version is deprecated (YAML `deprecation_date`), as written. */
  deprecation_date?: string | null;
  /** Models: model-level constraints, applied when the contract is enforced. */
  constraints?: ModelConstraint[];
  /** Models: the contract, as dbt's manifest carries it beside the config. */
  contract?: ContractConfig & { checksum: string | null };
  /** Models: who may `ref()` it (config `access`, default protected), as dbt's manifest promotes it. */
  access?: ModelAccess;
  /** The group the node belongs to (config `group`), null when none. */
  group?: string | null;
  /** Models: the property file's `time_spine:` (MetricFlow), null when none. */
  time_spine?: TimeSpine | null;
  created_at: number;
}

export type ModelAccess = 'private' | 'protected' | 'public';

export interface TimeSpine {
  standard_granularity_column: string;
  custom_granularities: Array<{ name: string; column_name: string | null }>;
}

/** `owner:` of an exposure or a group: a name or an email at least; other keys kept as written. */
export interface ResourceOwner {
  name: string | null;
  email: string | null;
  [key: string]: unknown;
}

export type ExposureType = 'dashboard' | 'notebook' | 'analysis' | 'ml' | 'application';

/** A property file's `exposures:` entry: a downstream use of the project's nodes, never built. */
export interface ExposureDefinition {
  unique_id: string;
  resource_type: 'exposure';
  name: string;
  package_name: string;
  /** The property file, relative to its resource folder. */
  path: string;
  original_file_path: string;
  fqn: string[];
  type: ExposureType;
  owner: ResourceOwner;
  description: string;
  label: string | null;
  maturity: 'high' | 'medium' | 'low' | null;
  url: string | null;
  meta: Record<string, unknown>;
  tags: string[];
  config: { enabled: boolean; tags: string[]; meta: Record<string, unknown>; [key: string]: unknown };
  unrendered_config: Record<string, unknown>;
  depends_on: { nodes: string[]; macros: string[] };
  refs: NodeRef[];
  sources: Array<[string, string]>;
  metrics: string[][];
  created_at: number;
}

/** A property file's `groups:` entry: a named owner of nodes, which `access: private` models are private to. */
export interface GroupDefinition {
  unique_id: string;
  resource_type: 'group';
  name: string;
  package_name: string;
  path: string;
  original_file_path: string;
  owner: ResourceOwner;
  description: string | null;
  config: { meta: Record<string, unknown> };
}

export interface SourceDefinition {
  unique_id: string;
  resource_type: 'source';
  name: string;
  source_name: string;
  package_name: string;
  identifier: string;
  database: string;
  schema: string;
  relation_name: string;
  loader: string;
  loaded_at_field: string | null;
  freshness: FreshnessConfig | null;
  description: string;
  source_description: string;
  columns: Record<string, ColumnInfo>;
  tags: string[];
  meta: Record<string, unknown>;
  config: { enabled: boolean; [key: string]: unknown };
  original_file_path: string;
  path: string;
  fqn: string[];
  created_at: number;
}

export interface FreshnessRule {
  count: number;
  period: 'minute' | 'hour' | 'day';
}

export interface FreshnessConfig {
  warn_after?: FreshnessRule | null;
  error_after?: FreshnessRule | null;
  filter?: string | null;
}

export interface MacroDefinition {
  unique_id: string;
  name: string;
  package_name: string;
  original_file_path: string;
  path: string;
  macro_sql: string;
  /** 1-based line of `{% macro` in its file, so template errors point into the file. */
  line: number;
  arguments: Array<{ name: string; type: string | null; description: string }>;
  description: string;
  meta: Record<string, unknown>;
  depends_on: { macros: string[] };
}

export interface DocBlock {
  unique_id: string;
  name: string;
  package_name: string;
  original_file_path: string;
  block_contents: string;
}

export interface Manifest {
  metadata: {
    dbt_schema_version: string;
    kpi_version: string;
    generated_at: string;
    invocation_id: string;
    project_name: string;
    adapter_type: string;
    target_name: string;
  };
  nodes: Record<string, ManifestNode>;
  sources: Record<string, SourceDefinition>;
  macros: Record<string, MacroDefinition>;
  docs: Record<string, DocBlock>;
  exposures: Record<string, ExposureDefinition>;
  metrics: Record<string, unknown>;
  groups: Record<string, GroupDefinition>;
  selectors: Record<string, unknown>;
  disabled: Record<string, ManifestNode[]>;
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
}

export type GraphMember = ManifestNode | SourceDefinition | ExposureDefinition;
