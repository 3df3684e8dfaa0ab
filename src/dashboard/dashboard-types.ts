/**
 * The plain data the dashboard's JSON API answers with, and the page draws. The server
 * builds it from the KPI mart (queries/), the page (page/) only reads it, and a static
 * report embeds it as it is, keyed by the API path that would have returned it.
 */

import type { BacktestArtifact } from '../mart/backtest-artifact.js';
import type { EntityInfo, KpiInfo, PeriodFigures } from '../mart/mart-types.js';

/** What the dashboard knows about the mart as a whole; the page reads it first. */
export interface DashboardMeta {
  database: 'pglite' | 'postgres';
  kpis: KpiInfo[];
  /** ALL (entity 0) first, then by name. */
  entities: EntityInfo[];
  windows: number[];
  firstDate: string | null;
  latestDate: string | null;
  /** When the mart was last built (agg_kpi_dashboard.updated_at of its newest day), ISO 8601. */
  lastBuild: string | null;
  dataVersion: string;
  /** ISO 4217 code (USD) or a symbol (£): how currency KPIs are written. */
  currency: string;
  /** A static report: the one date and entity it holds. */
  report: { date: string; entity: string; createdAt: string } | null;
}

export type StatusCounts = Record<'red' | 'yellow' | 'green' | 'grey' | 'expected', number>;

/** One KPI × entity × window × day, as kpi_thresholds scores it. */
export interface StatusPoint {
  status: string;
  value: number | null;
  lower: number | null;
  upper: number | null;
  signals: string;
  countedSignals: string;
  /** In plain words (describe-status.ts), never signal codes. */
  reason: string;
}

export interface BoardCard {
  kpi: KpiInfo;
  point: StatusPoint;
  periods: PeriodFigures | null;
  /**
   * Aligned with BoardResponse.sparkDates, rounded to 5 (values) and 4 (bounds) significant
   * digits, which a 52-pixel chart cannot tell apart; `statuses` is one letter a day: r(ed),
   * y(ellow), g(reen), s (grey), e(xpected: an event day), - (no row). A board is 60 kB instead of 150.
   */
  spark: { values: Array<number | null>; lower: Array<number | null>; upper: Array<number | null>; statuses: string };
}

export interface BoardResponse {
  date: string;
  window: number;
  entity: EntityInfo;
  counts: StatusCounts;
  /** The sparklines' days: the 90 days ending at `date`. */
  sparkDates: string[];
  sections: Array<{ name: string; cards: BoardCard[] }>;
  dataVersion: string;
}

export interface StatusChange {
  date: string;
  kpi: string;
  kpiName: string;
  entity: string;
  window: number;
  from: string;
  to: string;
  reason: string;
}

export interface ChangesResponse {
  date: string;
  from: string;
  window: number;
  entity: EntityInfo;
  changes: StatusChange[];
}

/** One window's bands and statuses over KpiSeriesResponse.dates; reasons only where the status is not plain green. */
export interface WindowSeries {
  lower: Array<number | null>;
  upper: Array<number | null>;
  status: Array<string | null>;
  signals: Array<string | null>;
  reason: Array<string | null>;
}

export interface DrillRow {
  entity: EntityInfo;
  periods: PeriodFigures | null;
  /** By window (as text: '7', '30', '60'). */
  windows: Record<string, StatusPoint>;
}

export interface KpiSeriesResponse {
  kpi: KpiInfo;
  entity: EntityInfo;
  date: string;
  from: string;
  dates: string[];
  values: Array<number | null>;
  /** By window, as text. */
  windows: Record<string, WindowSeries>;
  events: Array<{ date: string; description: string }>;
  periods: PeriodFigures | null;
  /** Every window's status changes in the range, newest first. */
  changes: StatusChange[];
  /** The same KPI on `date` for every entity. */
  entities: DrillRow[];
}

/** /api/backtest: target/backtest_results.json as `kpi alerts backtest` wrote it (mart/backtest-artifact.ts). */
export type BacktestResponse = BacktestArtifact;

export interface HealthResponse {
  status: 'ok';
  database: 'pglite' | 'postgres';
  latestDate: string | null;
  lastBuild: string | null;
  dataVersion: string;
}

export interface VersionResponse {
  dataVersion: string;
}

/** Every API answer that is not a success. */
export interface ApiError {
  error: string;
  hint?: string;
}
