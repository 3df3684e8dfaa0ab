import { createHash } from 'node:crypto';
import type { Connection } from '../../adapters/adapter.js';
import { qualified } from '../../adapters/quote.js';
import { KpiError } from '../../errors.js';
import type { MartTables, TableName } from '../../mart/queries/mart-tables.js';
import { compileQuery, sqlBuilder } from '../../mart/queries/sql-builder.js';

export interface DataVersion {
  /** Changes whenever a build changes what the dashboard shows; cheap to read (index lookups and the catalog). */
  version: string;
  firstDate: string | null;
  latestDate: string | null;
  lastBuild: string | null;
}

export const MART_HINT = 'build it first (kpi build), on the target the dashboard reads';

function relation(table: TableName): string {
  return qualified(table.schema, table.identifier);
}

/**
 * The mart's data version, read in one statement of index lookups: each table's file node
 * (a rebuilt table or a reloaded seed gets a new one), the newest day of the thresholds
 * and the transaction that last wrote it (an increment rewrites the newest days), and
 * when the dashboard figures were last built. A missing table is a KPI_NOT_FOUND (when
 * the thresholds or the dashboard figures are the missing ones, Postgres says so first:
 * handle-api.ts answers that the same way).
 */
export async function readDataVersion(connection: Connection, tables: MartTables): Promise<DataVersion> {
  const knex = await sqlBuilder();
  const names = Object.values(tables).map(relation);
  const thresholds = relation(tables.thresholds);
  const dashboard = relation(tables.dashboard);
  // Table names come from the project (quoted), never from a request; the one value is bound.
  const { sql, bindings } = compileQuery(
    knex.raw(
      `select
  (select json_agg(c.relfilenode order by r.ord) from unnest(?::text[]) with ordinality as r(name, ord) left join pg_class c on c.oid = to_regclass(r.name))::text as files,
  (select min(as_of_date)::text from ${thresholds}) as first_date,
  (select max(as_of_date)::text from ${thresholds}) as latest_date,
  (select max(xmin::text::bigint)::text from ${thresholds} where as_of_date = (select max(as_of_date) from ${thresholds})) as writer,
  (select to_char(max(updated_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') from ${dashboard} where as_of_date = (select max(as_of_date) from ${dashboard})) as last_build`,
      [names],
    ),
  );
  const [row] = (await connection.query<{ files: string; first_date: string | null; latest_date: string | null; writer: string | null; last_build: string | null }>(sql, bindings)).rows;
  const files = JSON.parse(row.files) as Array<number | null>;
  const missing = names.filter((_name, index) => files[index] === null);
  if (missing.length > 0) {
    throw new KpiError('KPI_NOT_FOUND', `the KPI mart is not built here: ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`, { hint: MART_HINT });
  }
  const version = createHash('sha1')
    .update(JSON.stringify([files, row.latest_date, row.first_date, row.writer, row.last_build]))
    .digest('hex')
    .slice(0, 16);
  return { version, firstDate: row.first_date, latestDate: row.latest_date, lastBuild: row.last_build };
}
