import type { Connection } from '../adapter.js';
import { ask, text, integer, type CatalogQuery, type CatalogRelation } from './catalog-query.js';

/**
 * Citus (distributed Postgres): whether the target has it, and how a table is distributed.
 * A coordinator has the `citus` extension; a plain server and the embedded database do not,
 * and there `pg_dist_partition` does not exist, so the distribution question is asked only
 * where the first one said yes.
 */
export function citusInstalledQuery(): CatalogQuery<boolean> {
  return { sql: `select exists (select 1 from pg_extension where extname = 'citus') as installed`, params: [], read: (rows) => rows[0]?.installed === true };
}

export function citusInstalled(connection: Connection): Promise<boolean> {
  return ask(connection, citusInstalledQuery());
}

/** How Citus holds a table: sharded by a column, replicated to every node, or not at all (a local table). */
export type CatalogDistribution = { kind: 'distributed'; column: string; shardCount: number; colocationId: number } | { kind: 'reference' } | { kind: 'local' };

const DISTRIBUTION_SQL = `select p.partmethod::text as method, p.colocationid as colocation,
  case when p.partmethod = 'h' then column_to_column_name(p.logicalrelid, p.partkey) end as column_name,
  (select count(*) from pg_dist_shard s where s.logicalrelid = p.logicalrelid) as shards
from pg_dist_partition p
join pg_class c on c.oid = p.logicalrelid
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relname = $2`;

/** A table's distribution on a Citus coordinator (ask only where `citusInstalled`). */
export function tableDistributionQuery(relation: CatalogRelation): CatalogQuery<CatalogDistribution> {
  return {
    sql: DISTRIBUTION_SQL,
    params: [relation.schema, relation.identifier],
    read: (rows) => {
      const row = rows[0];
      if (!row) return { kind: 'local' };
      if (row.method === 'n') return { kind: 'reference' };
      return { kind: 'distributed', column: text(row.column_name) ?? '', shardCount: integer(row.shards) ?? 0, colocationId: integer(row.colocation) ?? 0 };
    },
  };
}

export function tableDistribution(connection: Connection, relation: CatalogRelation): Promise<CatalogDistribution> {
  return ask(connection, tableDistributionQuery(relation));
}
