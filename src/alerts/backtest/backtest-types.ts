import type { KpiScore, Score, SeriesScore } from '../../mart/backtest-score.js';
import type { TableName } from '../types.js';

/** The relations a backtest reads: statuses to score, the labelled incidents, and the KPI and entity dimensions. */
export interface BacktestTables {
  statuses: TableName;
  labels: TableName;
  dimKpi: TableName;
  dimEntity: TableName;
}

export interface BacktestRules {
  /** The labels table's date column. */
  labelDateColumn: string;
  /** A first Red this many days after an incident still detects it (0: on the day only). */
  detectWithinDays: number;
}

/** One series' raw counts, as the scoring query returns them. */
export interface SeriesCounts {
  kpiId: number;
  kpiCode: string;
  entityId: number;
  windowDays: number;
  /** Days with a status other than grey and expected, outside every incident's detection window. */
  quietDays: number;
  falseReds: number;
  falseYellows: number;
  /** Red days of this series inside one of its own incidents' detection windows. */
  trueReds: number;
  /** Red days on days another KPI's incident of the entity may spill into: neither true nor false. */
  otherReds: number;
  incidents: number;
  detected: number;
  /** Of `detected`, the sum of days from the incident to its first Red. */
  daysToDetect: number;
}

/** One labelled incident as one window saw it. */
export interface IncidentOutcome {
  kpiCode: string;
  entityId: number;
  windowDays: number;
  date: string;
  /** The status on the incident's day (null: no row). */
  statusOnDay: string | null;
  /** Days to the first Red within the detection window; null: missed. */
  daysToDetect: number | null;
}

/** One setting's scores (the current configuration has no overrides). */
export interface BacktestRun {
  /** 'current', or the overrides as written: 'k=2.5 z_score_lim=4'. */
  label: string;
  overrides: Array<{ key: string; value: number | string | boolean }>;
  overall: Score;
  kpis: KpiScore[];
  series: SeriesScore[];
  incidents: IncidentOutcome[];
}
