import type { ManifestIndex } from '../../project/manifest-index.js';

export interface TableName {
  schema: string;
  identifier: string;
}

/** The KPI mart's relations the dashboard reads (docs/kpi-mart.md). */
export interface MartTables {
  /** Every day's thresholds and status, per KPI, entity and window. */
  thresholds: TableName;
  /** The newest day of the thresholds, with names: what /metrics reports. */
  serving: TableName;
  /** Day, MTD, QTD, YTD and last-28 figures with their prior year. */
  dashboard: TableName;
  dimKpi: TableName;
  dimEntity: TableName;
  events: TableName;
}

const NAMES: Record<keyof MartTables, string> = {
  thresholds: 'kpi_thresholds',
  serving: 'kpi_serving',
  dashboard: 'agg_kpi_dashboard',
  dimKpi: 'dim_kpi',
  dimEntity: 'dim_entity',
  events: 'kpi_events',
};

/** Where each table lives: the project's model or seed of that name (its schema and alias), else the target's schema. */
export function resolveMartTables(index: ManifestIndex, targetSchema: string): MartTables {
  const resolve = (name: string): TableName => {
    const node = index.ref(name, null);
    if (node && node.config.materialized !== 'ephemeral') return { schema: node.schema, identifier: node.alias };
    return { schema: targetSchema, identifier: name };
  };
  const tables = {} as MartTables;
  for (const key of Object.keys(NAMES) as Array<keyof MartTables>) tables[key] = resolve(NAMES[key]);
  return tables;
}
