import type { DashboardMeta } from './dashboard-types.js';
import type { MartCatalog } from '../mart/queries/read-catalog.js';
import type { DataVersion } from './queries/read-data-version.js';
import type { MartTables } from '../mart/queries/mart-tables.js';

/** What every request is answered from: where the mart is, how to write money, and what the mart holds now. */
export interface DashboardContext {
  tables: MartTables;
  currency: string;
  database: 'pglite' | 'postgres';
  version: DataVersion;
  catalog: MartCatalog;
}

export function metaOf(context: DashboardContext): DashboardMeta {
  return {
    database: context.database,
    kpis: context.catalog.kpis,
    entities: context.catalog.entities,
    windows: context.catalog.windows,
    firstDate: context.version.firstDate,
    latestDate: context.version.latestDate,
    lastBuild: context.version.lastBuild,
    dataVersion: context.version.version,
    currency: context.currency,
    report: null,
  };
}
