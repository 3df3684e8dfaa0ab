import type { Connection } from '../adapters/adapter.js';
import { describeRelations, type CatalogRelationDescription, type RelationKind } from '../adapters/catalog.js';
import { qualified } from '../adapters/quote.js';
import { KPI_VERSION } from '../manifest/version.js';
import type { Manifest } from '../manifest/types.js';

export interface CatalogColumn {
  type: string;
  index: number;
  name: string;
  comment: string | null;
}

export interface CatalogStat {
  id: string;
  label: string;
  value: string | number | boolean | null;
  include: boolean;
  description: string;
}

export interface CatalogTable {
  metadata: { type: string; schema: string; name: string; database: string; comment: string | null; owner: string | null };
  columns: Record<string, CatalogColumn>;
  stats: Record<string, CatalogStat>;
  unique_id: string;
}

/** target/catalog.json, in dbt's shape: what the database says about each built node and each source. */
export interface Catalog {
  metadata: { dbt_schema_version: string; kpi_version: string; generated_at: string; invocation_id: string; env: Record<string, string> };
  nodes: Record<string, CatalogTable>;
  sources: Record<string, CatalogTable>;
  errors: string[] | null;
}

export const CATALOG_SCHEMA = 'https://schemas.getdbt.com/dbt/catalog/v1.json';

/** Tables with more rows than this (by the planner's estimate) are not counted: the estimate is reported instead. */
const EXACT_COUNT_LIMIT = 1_000_000;

interface Wanted {
  unique_id: string;
  database: string;
  schema: string;
  name: string;
}

/** The relations the catalog describes: built models, seeds and snapshots, and sources. */
function wantedRelations(manifest: Manifest): { nodes: Wanted[]; sources: Wanted[] } {
  const nodes = Object.values(manifest.nodes)
    .filter((node) => ['model', 'seed', 'snapshot'].includes(node.resource_type) && node.config.materialized !== 'ephemeral')
    .map((node) => ({ unique_id: node.unique_id, database: node.database, schema: node.schema, name: node.alias }));
  const sources = Object.values(manifest.sources).map((source) => ({ unique_id: source.unique_id, database: source.database, schema: source.schema, name: source.identifier }));
  return { nodes, sources };
}

function stat(id: string, label: string, value: CatalogStat['value'], description: string, include = true): CatalogStat {
  return { id, label, value, include, description };
}

/** The SQL standard's table_type, which dbt's catalog reports. */
const TABLE_TYPE: Record<RelationKind, string> = { table: 'BASE TABLE', view: 'VIEW', materialized_view: 'MATERIALIZED VIEW', foreign_table: 'FOREIGN TABLE' };

async function tableStats(connection: Connection, relation: CatalogRelationDescription): Promise<Record<string, CatalogStat>> {
  if (relation.kind !== 'table' && relation.kind !== 'materialized_view') {
    return { has_stats: stat('has_stats', 'Has Stats?', false, 'Indicates whether there are statistics for this table', false) };
  }
  const stats: Record<string, CatalogStat> = {};
  if (relation.estimatedRows >= 0 && relation.estimatedRows > EXACT_COUNT_LIMIT) {
    stats.row_count = stat('row_count', 'Row Count', Math.round(relation.estimatedRows), "The planner's estimate (pg_class.reltuples): the table is too big to count");
  } else {
    const counted = await connection.query<{ n: number }>(`select count(*)::int8 as n from ${qualified(relation.schema, relation.identifier)}`);
    stats.row_count = stat('row_count', 'Row Count', Number(counted.rows[0]?.n ?? 0), 'Rows in the table, counted when the catalog was generated');
  }
  if (relation.bytes !== null) stats.bytes = stat('bytes', 'Approximate Size', Number(relation.bytes), 'Bytes on disk, with indexes and TOAST (pg_total_relation_size)');
  stats.has_stats = stat('has_stats', 'Has Stats?', true, 'Indicates whether there are statistics for this table', false);
  return stats;
}

/**
 * Read the catalog for a manifest: for each node and source that exists in the
 * database, its type, comment, owner, columns (type and position as Postgres reports
 * them) and table stats. What does not exist (not built yet) is left out, as dbt does.
 */
export async function buildCatalog(connection: Connection | null, manifest: Manifest, meta: { invocationId: string; now: Date }): Promise<Catalog> {
  const metadata = { dbt_schema_version: CATALOG_SCHEMA, kpi_version: KPI_VERSION, generated_at: meta.now.toISOString(), invocation_id: meta.invocationId, env: {} };
  // No connection: an empty catalog (`--empty-catalog`), as dbt writes one without asking the database.
  if (!connection) return { metadata, nodes: {}, sources: {}, errors: null };
  const wanted = wantedRelations(manifest);
  const schemas = [...new Set([...wanted.nodes, ...wanted.sources].map((relation) => relation.schema))].sort();
  const byRelation = new Map<string, CatalogRelationDescription>();
  for (const relation of await describeRelations(connection, schemas)) byRelation.set(`${relation.schema}\u0000${relation.identifier}`, relation);
  const describe = async (node: Wanted): Promise<CatalogTable | null> => {
    const relation = byRelation.get(`${node.schema}\u0000${node.name}`);
    if (!relation) return null;
    return {
      metadata: { type: TABLE_TYPE[relation.kind], schema: relation.schema, name: relation.identifier, database: node.database, comment: relation.comment, owner: relation.owner },
      columns: Object.fromEntries(relation.columns.map((column) => [column.name, { type: column.dataType, index: column.position, name: column.name, comment: column.comment }])),
      stats: await tableStats(connection, relation),
      unique_id: node.unique_id,
    };
  };
  const collect = async (relations: Wanted[]): Promise<Record<string, CatalogTable>> => {
    const tables: Record<string, CatalogTable> = {};
    for (const relation of relations) {
      const table = await describe(relation);
      if (table) tables[relation.unique_id] = table;
    }
    return tables;
  };
  return {
    metadata,
    nodes: await collect(wanted.nodes),
    sources: await collect(wanted.sources),
    errors: null,
  };
}
