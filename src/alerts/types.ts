/** The plain data `kpi alerts` passes between reading, judging, formatting and posting. */

/** One KPI × entity on the board, as the serving table (or the history) holds it. */
export interface BoardRow {
  as_of_date: string;
  window_days: number;
  kpi_id: number | string;
  metric_key: string | null;
  section: string | null;
  subcategory: string | null;
  entity_id: number | string;
  value: number | null;
  rolling_mean: number | null;
  rolling_std: number | null;
  lower_threshold: number | null;
  upper_threshold: number | null;
  seasonal_zscore: number | null;
  pct_change: number | null;
  signals: string | null;
  /** Lower-cased: red, yellow, grey or green (anything else is kept, and sorts last). */
  status: string;
  reason: string | null;
  link: string | null;
}

/** The board's columns, in the order json and csv give them. */
export const BOARD_COLUMNS: ReadonlyArray<keyof BoardRow> = [
  'as_of_date',
  'window_days',
  'status',
  'kpi_id',
  'metric_key',
  'section',
  'subcategory',
  'entity_id',
  'value',
  'rolling_mean',
  'rolling_std',
  'lower_threshold',
  'upper_threshold',
  'seasonal_zscore',
  'pct_change',
  'signals',
  'reason',
  'link',
];

export interface PreviousStatus {
  as_of_date: string;
  status: string;
}

/** A board row whose status differs from the one its KPI × entity had before. */
export interface StatusChange {
  row: BoardRow;
  /** null: the KPI × entity has no earlier status in the history. */
  previous: PreviousStatus | null;
}

/** A relation kpi alerts reads, and how to print it. */
export interface TableName {
  schema: string;
  identifier: string;
}

export function tableText(table: TableName): string {
  return `${table.schema}.${table.identifier}`;
}
