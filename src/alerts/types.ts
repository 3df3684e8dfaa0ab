/** The plain data `kpi alerts` passes between reading, judging, formatting and posting. */

/** One KPI × entity on the board, as the serving table (or the history) holds it. */
export interface BoardRow {
  as_of_date: string;
  window_days: number;
  kpi_id: number | string;
  kpi_code: string | null;
  kpi_name: string | null;
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
  pct_change_vs: string | null;
  signals: string | null;
  counted_signals: string | null;
  /** Lower-cased: red, yellow, grey, expected or green (anything else is kept, and sorts last). */
  status: string;
  reason: string | null;
  link: string | null;
}

/** The columns read from the serving table or the history (null where the table has none). */
export const READ_COLUMNS: ReadonlyArray<keyof BoardRow> = [
  'as_of_date',
  'window_days',
  'status',
  'kpi_id',
  'kpi_code',
  'kpi_name',
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
  'pct_change_vs',
  'signals',
  'counted_signals',
  'reason',
  'link',
];

/**
 * A board row in the reader's words: names for codes, values written by dim_kpi.format,
 * the status said in plain words, the day and month to date against the year before.
 */
export interface DescribedRow extends BoardRow {
  entity_code: string | null;
  entity_name: string | null;
  value_text: string;
  /** The expected range, formatted: "$9,120 – $11,765"; empty without bounds. */
  expected_text: string;
  /** Why the KPI has its status, in plain words (no signal codes). */
  description: string;
  day_prior: number | null;
  day_change_pct: number | null;
  mtd_value: number | null;
  /** Month to date, formatted as value_text is. */
  mtd_text: string;
  mtd_prior: number | null;
  mtd_change_pct: number | null;
}

/** The board's columns, in the order json and csv give them. */
export const BOARD_COLUMNS: ReadonlyArray<keyof DescribedRow> = [
  ...READ_COLUMNS.slice(0, 10),
  'entity_code',
  'entity_name',
  'value',
  'value_text',
  ...READ_COLUMNS.slice(11, 15),
  'expected_text',
  ...READ_COLUMNS.slice(15, 21),
  'description',
  'day_prior',
  'day_change_pct',
  'mtd_value',
  'mtd_text',
  'mtd_prior',
  'mtd_change_pct',
  'link',
];

export interface PreviousStatus {
  as_of_date: string;
  status: string;
}

/** A board row whose status differs from the one its KPI × entity had before. */
export interface StatusChange {
  row: DescribedRow;
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
