import type { NodeConfig } from '../../manifest/types.js';
import { isPlainObject } from '../../support/is-plain-object.js';

export type SnapshotStrategy = 'timestamp' | 'check';
export type HardDeletes = 'ignore' | 'invalidate' | 'new_record';

/** The meta columns a snapshot adds, by their dbt names; `snapshot_meta_column_names` renames them. */
export interface SnapshotColumnNames {
  dbt_scd_id: string;
  dbt_updated_at: string;
  dbt_valid_from: string;
  dbt_valid_to: string;
  dbt_is_deleted: string;
}

export const DEFAULT_SNAPSHOT_COLUMNS: SnapshotColumnNames = {
  dbt_scd_id: 'dbt_scd_id',
  dbt_updated_at: 'dbt_updated_at',
  dbt_valid_from: 'dbt_valid_from',
  dbt_valid_to: 'dbt_valid_to',
  dbt_is_deleted: 'dbt_is_deleted',
};

/** A snapshot's configs, checked and in the shape the materialization plans from. */
export interface SnapshotConfig {
  strategy: SnapshotStrategy;
  /** Each part of the key as written (SQL, as dbt inserts it); one entry unless the key is composite. */
  uniqueKey: string[];
  /** The timestamp strategy's column (SQL as written); optional for `check`, whose rows are stamped with the run's time. */
  updatedAt: string | null;
  /** `check`: `all`, or the columns compared (SQL as written). */
  checkCols: 'all' | string[];
  hardDeletes: HardDeletes;
  /** `dbt_valid_to_current`: the SQL expression current rows carry in dbt_valid_to instead of null. */
  validToCurrent: string | null;
  columns: SnapshotColumnNames;
}

export interface SnapshotConfigProblem {
  /** The config key the problem is about (for its location). */
  key: string;
  message: string;
  hint?: string;
}

const STRATEGIES: readonly string[] = ['timestamp', 'check'];
const HARD_DELETES: readonly string[] = ['ignore', 'invalidate', 'new_record'];

/** An unquoted identifier Postgres folds to lower case, as dbt writes these names into SQL unquoted. */
function columnName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) ? name.toLowerCase() : name;
}

/**
 * Read and check a snapshot's configs as dbt does (its parser requires `strategy` and
 * `unique_key`, the timestamp strategy `updated_at`, the check strategy `check_cols`;
 * `adapter.get_hard_deletes_behavior` reads `hard_deletes` and the older
 * `invalidate_hard_deletes`). Every problem is returned, none thrown.
 */
export function resolveSnapshotConfig(config: NodeConfig): { config: SnapshotConfig | null; problems: SnapshotConfigProblem[] } {
  const problems: SnapshotConfigProblem[] = [];
  const strategy = config.strategy;
  if (strategy === undefined || strategy === null) {
    problems.push({ key: 'strategy', message: "has no 'strategy' config", hint: "set strategy='timestamp' (with updated_at) or strategy='check' (with check_cols)" });
  } else if (typeof strategy !== 'string' || !STRATEGIES.includes(strategy)) {
    problems.push({ key: 'strategy', message: `has strategy=${JSON.stringify(strategy)}, which kpi does not know`, hint: "use 'timestamp' or 'check'" });
  }
  const rawKey = config.unique_key;
  const uniqueKey = typeof rawKey === 'string' ? [rawKey] : Array.isArray(rawKey) ? rawKey.map(String) : [];
  if (uniqueKey.length === 0 || uniqueKey.some((part) => part.trim() === '')) {
    problems.push({ key: 'unique_key', message: "has no 'unique_key' config", hint: "name the column (or list of columns) that identifies a row of the source, e.g. unique_key='id'" });
  }
  const updatedAt = typeof config.updated_at === 'string' && config.updated_at.trim() !== '' ? config.updated_at : null;
  if (strategy === 'timestamp' && updatedAt === null) {
    problems.push({ key: 'updated_at', message: "uses strategy='timestamp' and has no 'updated_at' config", hint: 'name the column that holds when each source row last changed' });
  }
  let checkCols: 'all' | string[] = 'all';
  if (strategy === 'check') {
    const raw = config.check_cols;
    if (raw === 'all') checkCols = 'all';
    else if (Array.isArray(raw) && raw.length > 0) checkCols = raw.map(String);
    else
      problems.push({
        key: 'check_cols',
        message: raw === undefined || raw === null ? "uses strategy='check' and has no 'check_cols' config" : `has check_cols=${JSON.stringify(raw)}`,
        hint: "use check_cols='all' or a list of column names",
      });
  }
  const hardDeletes = resolveHardDeletes(config, problems);
  const validToCurrent = typeof config.dbt_valid_to_current === 'string' && config.dbt_valid_to_current.trim() !== '' ? config.dbt_valid_to_current : null;
  const columns = { ...DEFAULT_SNAPSHOT_COLUMNS };
  const names = config.snapshot_meta_column_names;
  if (names !== undefined && names !== null) {
    if (!isPlainObject(names)) problems.push({ key: 'snapshot_meta_column_names', message: 'snapshot_meta_column_names must be a mapping such as {dbt_valid_from: valid_from}' });
    else {
      for (const [key, value] of Object.entries(names)) {
        if (!(key in columns))
          problems.push({ key: 'snapshot_meta_column_names', message: `snapshot_meta_column_names names '${key}', which is no snapshot meta column`, hint: `use ${Object.keys(columns).join(', ')}` });
        else if (typeof value !== 'string' || value.trim() === '') problems.push({ key: 'snapshot_meta_column_names', message: `snapshot_meta_column_names.${key} must be a column name` });
        else columns[key as keyof SnapshotColumnNames] = columnName(value);
      }
    }
  }
  if (problems.length > 0) return { config: null, problems };
  return { config: { strategy: strategy as SnapshotStrategy, uniqueKey, updatedAt, checkCols, hardDeletes, validToCurrent, columns }, problems };
}

function resolveHardDeletes(config: NodeConfig, problems: SnapshotConfigProblem[]): HardDeletes {
  const legacy = config.invalidate_hard_deletes;
  const value = config.hard_deletes;
  if (legacy !== undefined && legacy !== null && value !== undefined && value !== null) {
    problems.push({ key: 'hard_deletes', message: 'sets both invalidate_hard_deletes and hard_deletes', hint: "keep hard_deletes (invalidate_hard_deletes=true is hard_deletes='invalidate')" });
    return 'ignore';
  }
  if (legacy === true || value === 'invalidate') return 'invalidate';
  if (value === undefined || value === null) return 'ignore';
  if (typeof value === 'string' && HARD_DELETES.includes(value)) return value as HardDeletes;
  problems.push({ key: 'hard_deletes', message: `has hard_deletes=${JSON.stringify(value)}`, hint: "use 'ignore', 'invalidate' or 'new_record'" });
  return 'ignore';
}
