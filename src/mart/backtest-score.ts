/**
 * What a backtest scores (kpi alerts backtest computes them, target/backtest_results.json
 * keeps them, the dashboard draws them): shared here, below the features that use them.
 */

/** Precision, recall, time to detect and false alerts a month, for a series, a KPI or everything. */
export interface Score {
  quietDays: number;
  falseReds: number;
  falseYellows: number;
  /** Red days inside the series' own incidents' detection windows. */
  trueReds: number;
  /** False Reds / quiet days, as a fraction. */
  falseRedRate: number | null;
  falseRedsPerMonth: number | null;
  falseYellowsPerMonth: number | null;
  incidents: number;
  detected: number;
  recall: number | null;
  /** True Red days / (true + false Red days); null without Reds. */
  precision: number | null;
  meanDaysToDetect: number | null;
}

export interface SeriesScore extends Score {
  kpiCode: string;
  entityId: number;
  windowDays: number;
}

export interface KpiScore extends Score {
  kpiCode: string;
  /** The worst series of the KPI (entity × window) by false Reds a month: a budget holds only if it holds there. */
  worstFalseRedsPerMonth: number | null;
  worstFalseRedRate: number | null;
}

/** The setting proposed for one KPI under an alert budget, and why. */
export interface Proposal {
  kpiCode: string;
  /** The run chosen; null when no setting keeps the KPI's every series under the budget. */
  run: string | null;
  overrides: Array<{ key: string; value: number | string | boolean }>;
  recall: number | null;
  worstFalseRedsPerMonth: number | null;
  /** The lowest worst-series false Reds a month any setting reached (when none fits the budget). */
  bestWorstFalseRedsPerMonth: number | null;
}
