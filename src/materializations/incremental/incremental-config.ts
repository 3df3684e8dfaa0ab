import { closestMatch, KpiError } from '../../errors.js';
import type { ManifestNode } from '../../manifest/types.js';

export const STRATEGIES = ['append', 'delete+insert', 'merge', 'microbatch'] as const;
export type IncrementalStrategy = (typeof STRATEGIES)[number];

export const SCHEMA_CHANGE_MODES = ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'] as const;
export type OnSchemaChange = (typeof SCHEMA_CHANGE_MODES)[number];

export const BATCH_SIZES = ['hour', 'day', 'month', 'year'] as const;
export type BatchSize = (typeof BATCH_SIZES)[number];

/** The DML that applies staged rows to the table. */
export type ApplyMethod = 'append' | 'delete+insert' | 'merge';

export interface MicrobatchConfig {
  eventTime: string;
  batchSize: BatchSize;
  /** The "beginning of time" of a first run or full refresh, in UTC. */
  begin: Date;
  /** Batches before the current one that an incremental run reprocesses. */
  lookback: number;
}

/** An incremental model's configuration, checked and normalised. */
export interface IncrementalConfig {
  strategy: IncrementalStrategy;
  apply: ApplyMethod;
  /** Column names as configured; matched to the model's real columns at run time. */
  uniqueKey: string[];
  onSchemaChange: OnSchemaChange;
  predicates: string[];
  mergeUpdateColumns: string[] | null;
  mergeExcludeColumns: string[] | null;
  microbatch: MicrobatchConfig | null;
}

/** A column name as a config may give it: an identifier, or a quoted identifier. */
const COLUMN_NAME = /^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")$/;

function stringList(value: unknown, key: string, problems: string[]): string[] | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  problems.push(`${key} must be a string or a list of strings, got ${JSON.stringify(value)}`);
  return null;
}

function columnList(value: unknown, key: string, problems: string[]): string[] | null {
  const list = stringList(value, key, problems);
  if (list === null) return null;
  // dbt users write `unique_key: 'a, b'` for a composite key; dbt's delete+insert accepts it, so split.
  const names = list
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
  for (const name of names) {
    if (!COLUMN_NAME.test(name)) problems.push(`${key} must name columns of the model, and '${name}' is not a column name (add the expression as a column of the model and name that)`);
  }
  return names;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], key: string, fallback: T, problems: string[]): T {
  if (value === undefined || value === null || value === '') return fallback;
  const text = String(value);
  if ((allowed as readonly string[]).includes(text)) return text as T;
  // A near miss (`merg`) or a shortened name (`sync_all`) both get a suggestion.
  const match = closestMatch(text, allowed, 4) ?? allowed.find((candidate) => text.length >= 3 && candidate.startsWith(text));
  problems.push(`${key}='${text}' is not one of ${allowed.join(', ')}.${match ? ` Did you mean '${match}'?` : ''}`);
  return fallback;
}

/** `begin` as dbt accepts it: a date or a date-time, taken as UTC. */
export function parseUtcTimestamp(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?)?\s*(Z|[+-]00(?::?00)?)?$/.exec(value.trim());
  if (!match) return null;
  const [, year, month, day, hour = '0', minute = '0', second = '0'] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
  // Reject dates JavaScript would roll over (2024-02-30 → March 1).
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return null;
  return date;
}

function microbatchConfig(config: ManifestNode['config'], problems: string[]): MicrobatchConfig | null {
  const before = problems.length;
  const eventTime = typeof config.event_time === 'string' && config.event_time.trim() ? config.event_time.trim() : null;
  if (!eventTime) problems.push("microbatch needs event_time: the model's column that says when each row happened");
  else if (!COLUMN_NAME.test(eventTime)) problems.push(`event_time must name a column, and '${eventTime}' is not a column name`);
  let batchSize: BatchSize = 'day';
  if (config.batch_size === undefined || config.batch_size === null) problems.push(`microbatch needs batch_size: one of ${BATCH_SIZES.join(', ')}`);
  else batchSize = oneOf(config.batch_size, BATCH_SIZES, 'batch_size', 'day', problems);
  const begin = parseUtcTimestamp(config.begin);
  if (config.begin === undefined || config.begin === null) problems.push("microbatch needs begin: the date a first run or a full refresh starts from, e.g. begin='2024-01-01'");
  else if (!begin) problems.push(`begin='${String(config.begin)}' is not a date (write 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS', in UTC)`);
  let lookback = 1;
  if (config.lookback !== undefined && config.lookback !== null) {
    lookback = Number(config.lookback);
    if (!Number.isInteger(lookback) || lookback < 0) problems.push(`lookback must be a whole number of batches, 0 or more, got ${JSON.stringify(config.lookback)}`);
  }
  if (problems.length > before || !eventTime || !begin) return null;
  return { eventTime, batchSize, begin, lookback };
}

/**
 * Check an incremental model's config as dbt-postgres reads it, and normalise it. Every
 * problem is reported at once, as one KPI_CONFIG_INVALID error naming the model's file.
 */
export function resolveIncrementalConfig(node: ManifestNode): IncrementalConfig {
  const { config } = node;
  const problems: string[] = [];
  const uniqueKey = columnList(config.unique_key, 'unique_key', problems) ?? [];
  // dbt-postgres's "default" strategy: delete+insert when there is a unique_key, else append.
  const fallback: IncrementalStrategy = uniqueKey.length > 0 ? 'delete+insert' : 'append';
  const strategy = oneOf(config.incremental_strategy, STRATEGIES, 'incremental_strategy', fallback, problems);
  // dbt only logs an invalid on_schema_change and ignores it; a typo there would silently skip a schema sync.
  const onSchemaChange = oneOf(config.on_schema_change, SCHEMA_CHANGE_MODES, 'on_schema_change', 'ignore', problems);
  const predicates = stringList(config.incremental_predicates ?? config.predicates, 'incremental_predicates', problems) ?? [];
  const mergeUpdateColumns = columnList(config.merge_update_columns, 'merge_update_columns', problems);
  const mergeExcludeColumns = columnList(config.merge_exclude_columns, 'merge_exclude_columns', problems);

  if ((strategy === 'merge' || strategy === 'delete+insert' || strategy === 'microbatch') && uniqueKey.length === 0) {
    problems.push(
      strategy === 'microbatch'
        ? "incremental_strategy='microbatch' needs a unique_key on Postgres: each batch is merged into the table by it (as dbt-postgres does)"
        : `incremental_strategy='${strategy}' needs a unique_key: the column (or list of columns) that identifies a row`,
    );
  }
  if (mergeUpdateColumns && mergeExcludeColumns) problems.push('merge_update_columns and merge_exclude_columns cannot both be set; use one of them');
  if ((mergeUpdateColumns || mergeExcludeColumns) && strategy !== 'merge' && strategy !== 'microbatch') {
    problems.push(`merge_update_columns and merge_exclude_columns apply to the merge strategy only, not to '${strategy}'`);
  }
  const microbatch = strategy === 'microbatch' ? microbatchConfig(config, problems) : null;

  if (problems.length > 0) {
    throw new KpiError('KPI_CONFIG_INVALID', `incremental model '${node.name}': ${problems.join('; ')}`, {
      node: node.unique_id,
      location: { file: node.original_file_path },
    });
  }
  const apply: ApplyMethod = strategy === 'microbatch' ? 'merge' : strategy;
  return { strategy, apply, uniqueKey, onSchemaChange, predicates, mergeUpdateColumns, mergeExcludeColumns, microbatch };
}

/** dbt's should_full_refresh(): the model's `full_refresh` config, when set, wins over the flag. */
export function shouldFullRefresh(node: ManifestNode, flag: boolean): boolean {
  const configured = node.config.full_refresh;
  return configured === null || configured === undefined ? flag : Boolean(configured);
}
