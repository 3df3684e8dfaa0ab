import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Connection } from '../../adapters/adapter.js';
import { qualified } from '../../adapters/quote.js';
import { KpiError } from '../../errors.js';
import type { MartTables, TableName } from './mart-tables.js';
import { compileQuery, sqlBuilder } from './sql-builder.js';

export interface DataVersion {
  /** Changes whenever a build changes what the dashboard shows; cheap to read (index lookups and the catalog). */
  version: string;
  firstDate: string | null;
  latestDate: string | null;
  lastBuild: string | null;
}

async function rawRows<Row>(connection: Connection, query: Knex.Raw): Promise<Row[]> {
  const { sql, bindings } = compileQuery(query);
  return (await connection.query<Row>(sql, bindings)).rows;
}

function relation(table: TableName): string {
  return qualified(table.schema, table.identifier);
}

/**
 * The mart's data version, read in a handful of index lookups: each table's file node
 * (a rebuilt table or a reloaded seed gets a new one), the newest day of the thresholds
 * and the transaction that last wrote it (an increment rewrites the newest days), and
 * when the dashboard figures were last built. A missing table is a KPI_NOT_FOUND.
 */
export async function readDataVersion(connection: Connection, tables: MartTables): Promise<DataVersion> {
  const knex = await sqlBuilder();
  const names = Object.values(tables).map(relation);
  const files = await rawRows<{ name: string; node: string | null }>(
    connection,
    knex.raw('select r.name, c.relfilenode::text as node from unnest(?::text[]) with ordinality as r(name, ord) left join pg_class c on c.oid = to_regclass(r.name) order by r.ord', [names]),
  );
  const missing = files.filter((file) => file.node === null).map((file) => file.name);
  if (missing.length > 0) {
    throw new KpiError('KPI_NOT_FOUND', `the KPI mart is not built here: ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`, {
      hint: 'build it first (kpi build), on the target the dashboard reads',
    });
  }
  const thresholds = relation(tables.thresholds);
  const dashboard = relation(tables.dashboard);
  // Table names come from the project (quoted), never from a request; the statement has no values to bind.
  const [row] = await rawRows<{ first_date: string | null; latest_date: string | null; writer: string | null; last_build: string | null }>(
    connection,
    knex.raw(`select
  (select min(as_of_date)::text from ${thresholds}) as first_date,
  (select max(as_of_date)::text from ${thresholds}) as latest_date,
  (select max(xmin::text::bigint)::text from ${thresholds} where as_of_date = (select max(as_of_date) from ${thresholds})) as writer,
  (select to_char(max(updated_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') from ${dashboard} where as_of_date = (select max(as_of_date) from ${dashboard})) as last_build`),
  );
  const version = createHash('sha1')
    .update(JSON.stringify([files.map((file) => file.node), row.latest_date, row.first_date, row.writer, row.last_build]))
    .digest('hex')
    .slice(0, 16);
  return { version, firstDate: row.first_date, latestDate: row.latest_date, lastBuild: row.last_build };
}
