/**
 * The SQL of a snapshot run, as pure functions of names and config: what dbt-adapters'
 * snapshot macros (strategies.sql, helpers.sql, dbt-postgres' snapshot_merge.sql) issue on
 * Postgres, written for kpi. Keys, `updated_at`, `check_cols` and `dbt_valid_to_current`
 * are SQL as the user wrote them (dbt inserts them unquoted too); meta column names and the
 * source's columns (read from the catalog) are quoted.
 */
import { quoteIdentifier } from '../../adapters/quote.js';
import type { SnapshotConfig } from '../../project/snapshots/snapshot-config.js';
import { q, type RelationName } from '../ddl.js';

/** dbt-postgres' snapshot_get_time(): the transaction's start, without time zone. */
export const SNAPSHOT_TIME = 'now()::timestamp without time zone';

/** The column dbt's staging table marks each change with (never copied into the snapshot). */
export const CHANGE_TYPE = 'dbt_change_type';

/** The key parts' columns in the staging queries (dbt names one key `dbt_unique_key`, each part of a composite one `dbt_unique_key_N`). */
export function keyColumns(config: SnapshotConfig): string[] {
  return config.uniqueKey.map((_, index) => `dbt_unique_key_${index + 1}`);
}

/** What stamps a changed row: the updated_at column, or for `check` without one the run's time. */
export function updatedAtExpression(config: SnapshotConfig): string {
  return config.updatedAt ?? SNAPSHOT_TIME;
}

/** dbt's snapshot_hash_arguments: md5 of the parts as text, nulls as '', joined by '|'. */
export function hashArguments(args: readonly string[]): string {
  return `md5(${args.map((arg) => `coalesce(cast(${arg} as varchar), '')`).join(" || '|' || ")})`;
}

/** dbt_scd_id of a new version: the key and its updated_at. */
export function scdIdExpression(config: SnapshotConfig): string {
  return hashArguments([...config.uniqueKey, updatedAtExpression(config)]);
}

/** dbt's get_dbt_valid_to_current: null (or the configured value) typed as updated_at. */
export function validToCurrentExpression(config: SnapshotConfig): string {
  const updatedAt = updatedAtExpression(config);
  return `coalesce(nullif(${updatedAt}, ${updatedAt}), ${config.validToCurrent ?? 'null'})`;
}

/** A snapshot row that is current: dbt_valid_to null, or the configured dbt_valid_to_current. */
export function isCurrent(config: SnapshotConfig, qualifier: string | null): string {
  const column = `${qualifier ? `${qualifier}.` : ''}${quoteIdentifier(config.columns.dbt_valid_to)}`;
  return config.validToCurrent ? `(${column} = ${config.validToCurrent} or ${column} is null)` : `${column} is null`;
}

const m = (config: SnapshotConfig, name: keyof SnapshotConfig['columns']) => quoteIdentifier(config.columns[name]);

/** The first run: the source's rows, each its first version. */
export function buildSnapshotTable(target: RelationName, staging: string, config: SnapshotConfig): string {
  const updatedAt = updatedAtExpression(config);
  const meta = [
    `${scdIdExpression(config)} as ${m(config, 'dbt_scd_id')}`,
    `${updatedAt} as ${m(config, 'dbt_updated_at')}`,
    `${updatedAt} as ${m(config, 'dbt_valid_from')}`,
    `${validToCurrentExpression(config)} as ${m(config, 'dbt_valid_to')}`,
    ...(config.hardDeletes === 'new_record' ? [`'False' as ${m(config, 'dbt_is_deleted')}`] : []),
  ];
  return `create table ${q(target)}\nas (\nselect *,\n  ${meta.join(',\n  ')}\nfrom ${staging} as sbq\n)`;
}

/** The query whose rows must be unique by the key (and have one): a duplicate is reported with its value. */
export function duplicateKeyQuery(staging: string, config: SnapshotConfig): string {
  const parts = config.uniqueKey.map((key, index) => `${key} as dbt_unique_key_${index + 1}`);
  const keys = keyColumns(config);
  return [
    `select ${keys.map((key) => `cast(${key} as text) as ${key}`).join(', ')}, count(*)::int as row_count`,
    `from (select ${parts.join(', ')} from ${staging}) as keyed`,
    `group by ${keys.join(', ')}`,
    `having count(*) > 1 or ${keys.map((key) => `${key} is null`).join(' or ')}`,
    `order by row_count desc`,
    'limit 3',
  ].join('\n');
}

function keyFields(config: SnapshotConfig): string {
  return config.uniqueKey.map((key, index) => `${key} as dbt_unique_key_${index + 1}`).join(', ');
}

function keyJoin(config: SnapshotConfig, left: string, right: string): string {
  return keyColumns(config)
    .map((key) => `${left}.${key} = ${right}.${key}`)
    .join(' and ');
}

/** The check strategy's comparison of one column, as dbt writes it (a change to or from null counts). */
function columnChanged(column: string): string {
  const [s, c] = [`snapshotted_data.${column}`, `source_data.${column}`];
  return `${s} != ${c} or ((${s} is null) and not (${c} is null)) or ((not ${s} is null) and (${c} is null))`;
}

/**
 * Whether a source row differs from its current version. `timestamp`: its updated_at is
 * later than the version's dbt_valid_from. `check`: a checked column differs; when the
 * source has a checked column the snapshot does not have yet, every row has changed (dbt).
 */
export function rowChanged(config: SnapshotConfig, checkColumns: readonly string[], columnAdded: boolean): string {
  if (config.strategy === 'timestamp') return `(snapshotted_data.${m(config, 'dbt_valid_from')} < source_data.${config.updatedAt})`;
  if (columnAdded) return '(TRUE)';
  return `(${checkColumns.map(columnChanged).join('\n    or ')})`;
}

export interface ChangesInput {
  config: SnapshotConfig;
  target: RelationName;
  staging: string;
  /** The source's columns (quoted) that the snapshot table has, for new_record's deletion rows. */
  sourceColumns: readonly { name: string; inTarget: boolean }[];
  rowChanged: string;
}

/**
 * dbt's snapshot staging table: one row a change. `insert` rows are new versions (new keys,
 * changed rows, and for new_record a row per deleted key); `update` and `delete` rows name
 * the current version to close (its dbt_scd_id) and the dbt_valid_to to close it with.
 */
export function changesQuery(input: ChangesInput): string {
  const { config, target } = input;
  const updatedAt = updatedAtExpression(config);
  const newRecord = config.hardDeletes === 'new_record';
  const deletes = config.hardDeletes !== 'ignore';
  const keys = keyColumns(config);
  const first = keys[0];
  const isDeleted = `snapshotted_data.${m(config, 'dbt_is_deleted')} = 'True'`;
  const ctes: string[] = [
    `snapshot_query as (\n  select * from ${input.staging}\n)`,
    `snapshotted_data as (\n  select *, ${keyFields(config)}\n  from ${q(target)}\n  where ${isCurrent(config, null)}\n)`,
    `insertions_source_data as (\n  select *, ${keyFields(config)},\n    ${updatedAt} as ${m(config, 'dbt_updated_at')},\n    ${updatedAt} as ${m(config, 'dbt_valid_from')},\n    ${validToCurrentExpression(config)} as ${m(config, 'dbt_valid_to')},\n    ${scdIdExpression(config)} as ${m(config, 'dbt_scd_id')}\n  from snapshot_query\n)`,
    `updates_source_data as (\n  select *, ${keyFields(config)},\n    ${updatedAt} as ${m(config, 'dbt_updated_at')},\n    ${updatedAt} as ${m(config, 'dbt_valid_from')},\n    ${updatedAt} as ${m(config, 'dbt_valid_to')}\n  from snapshot_query\n)`,
    ...(deletes ? [`deletes_source_data as (\n  select *, ${keyFields(config)}\n  from snapshot_query\n)`] : []),
    `insertions as (\n  select 'insert' as ${CHANGE_TYPE}, source_data.*${newRecord ? `, 'False' as ${m(config, 'dbt_is_deleted')}` : ''}\n  from insertions_source_data as source_data\n  left outer join snapshotted_data on ${keyJoin(config, 'snapshotted_data', 'source_data')}\n  where snapshotted_data.${first} is null\n    or (snapshotted_data.${first} is not null and (${input.rowChanged}${newRecord ? ` or ${isDeleted}` : ''}))\n)`,
    `updates as (\n  select 'update' as ${CHANGE_TYPE}, source_data.*, snapshotted_data.${m(config, 'dbt_scd_id')}${newRecord ? `, snapshotted_data.${m(config, 'dbt_is_deleted')}` : ''}\n  from updates_source_data as source_data\n  join snapshotted_data on ${keyJoin(config, 'snapshotted_data', 'source_data')}\n  where (${input.rowChanged}${newRecord ? ` or ${isDeleted}` : ''})\n)`,
  ];
  // A key already marked deleted (its current version is a deletion row) is not deleted again.
  const notYetDeleted = newRecord ? `\n    and not (${isDeleted} and ${isCurrent(config, 'snapshotted_data')})` : '';
  if (deletes) {
    ctes.push(
      `deletes as (\n  select 'delete' as ${CHANGE_TYPE}, source_data.*,\n    ${SNAPSHOT_TIME} as ${m(config, 'dbt_updated_at')},\n    ${SNAPSHOT_TIME} as ${m(config, 'dbt_valid_from')},\n    ${SNAPSHOT_TIME} as ${m(config, 'dbt_valid_to')},\n    snapshotted_data.${m(config, 'dbt_scd_id')}${newRecord ? `, snapshotted_data.${m(config, 'dbt_is_deleted')}` : ''}\n  from snapshotted_data\n  left join deletes_source_data as source_data on ${keyJoin(config, 'snapshotted_data', 'source_data')}\n  where source_data.${first} is null${notYetDeleted}\n)`,
    );
  }
  if (newRecord) {
    // The deleted key's last values (null for source columns the snapshot does not have yet), stamped with the run's time.
    const values = input.sourceColumns.map((column) => `${column.inTarget ? 'snapshotted_data' : 'source_data'}.${column.name}`);
    ctes.push(
      `deletion_records as (\n  select 'insert' as ${CHANGE_TYPE},\n    ${[
        ...values,
        ...keys.map((key) => `snapshotted_data.${key}`),
        `${SNAPSHOT_TIME} as ${m(config, 'dbt_updated_at')}`,
        `${SNAPSHOT_TIME} as ${m(config, 'dbt_valid_from')}`,
        `snapshotted_data.${m(config, 'dbt_valid_to')}`,
        `${hashArguments([`snapshotted_data.${m(config, 'dbt_scd_id')}`, SNAPSHOT_TIME])} as ${m(config, 'dbt_scd_id')}`,
        `'True' as ${m(config, 'dbt_is_deleted')}`,
      ].join(
        ',\n    ',
      )}\n  from snapshotted_data\n  left join deletes_source_data as source_data on ${keyJoin(config, 'snapshotted_data', 'source_data')}\n  where source_data.${first} is null${notYetDeleted}\n)`,
    );
  }
  const selects = ['insertions', 'updates', ...(deletes ? ['deletes'] : []), ...(newRecord ? ['deletion_records'] : [])].map((name) => `select * from ${name}`);
  return `with ${ctes.join(',\n')}\n${selects.join('\nunion all\n')}`;
}

/** dbt-postgres' snapshot merge, first half: close the versions that changed or were deleted. */
export function closeVersions(target: RelationName, changes: string, config: SnapshotConfig): string {
  const t = q(target);
  const scd = m(config, 'dbt_scd_id');
  return [
    `update ${t}`,
    `set ${m(config, 'dbt_valid_to')} = changes.${m(config, 'dbt_valid_to')}`,
    `from ${changes} as changes`,
    `where changes.${scd}::text = ${t}.${scd}::text`,
    `  and changes.${CHANGE_TYPE}::text in ('update'::text, 'delete'::text)`,
    `  and ${isCurrent(config, t)}`,
  ].join('\n');
}

/** dbt-postgres' snapshot merge, second half: the new versions. */
export function insertVersions(target: RelationName, changes: string, columns: readonly string[]): string {
  const list = columns.join(', ');
  return [
    `insert into ${q(target)} (${list})`,
    `select ${columns.map((column) => `changes.${column}`).join(', ')}`,
    `from ${changes} as changes`,
    `where changes.${CHANGE_TYPE}::text = 'insert'::text`,
  ].join('\n');
}
