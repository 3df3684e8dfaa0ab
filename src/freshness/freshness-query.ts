import type { SourceDefinition } from '../manifest/types.js';

/**
 * The newest `loaded_at_field` and the database's clock, read in UTC. dbt takes a
 * timestamp without time zone to be UTC; the caller runs this with the session's time
 * zone set to UTC, so the cast to timestamptz does exactly that on both databases.
 */
export function freshnessQuery(source: SourceDefinition, loadedAtField: string, filter: string | null): string {
  const format = `'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'`;
  return [
    'select',
    `  to_char(max_loaded_at, ${format}) as max_loaded_at,`,
    `  to_char(snapshotted_at, ${format}) as snapshotted_at,`,
    '  extract(epoch from snapshotted_at - max_loaded_at)::float8 as age_seconds',
    'from (',
    `  select max(${loadedAtField})::timestamptz as max_loaded_at, now() as snapshotted_at`,
    `  from ${source.relation_name}`,
    ...(filter ? [`  where ${filter}`] : []),
    ') freshness',
  ].join('\n');
}
