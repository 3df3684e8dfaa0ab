import { KPI_VERSION } from '../manifest/version.js';
import type { KpiScore, Proposal, Score, SeriesScore } from './backtest-score.js';

/** The file `kpi alerts backtest` writes in the project's target path on every run. */
export const BACKTEST_RESULTS_FILE = 'backtest_results.json';

/** The shape's version: a reader refuses any other (docs/kpi-mart.md, "Backtest", documents v1). */
export const BACKTEST_RESULTS_SCHEMA = 'kpi/backtest-results/v1';

type Override = { key: string; value: number | string | boolean };

/** One setting tried and its scores. */
export interface BacktestSettingResult {
  /** 'current', or the overrides as written: 'k=2.5 z_score_lim=4'. */
  label: string;
  overrides: Override[];
  /** The statuses kpi_thresholds holds as built (the project's configuration), not a recomputation. */
  current: boolean;
  overall: Score;
  /** The KPI × entity × window with the most false Reds a month (null: no series scored): what an alert budget must hold for. */
  worstSeries: SeriesScore | null;
  kpis: KpiScore[];
}

/** target/backtest_results.json. */
export interface BacktestArtifact {
  metadata: { kpi_schema_version: string; kpi_version: string; generated_at: string; invocation_id: string };
  /** The labelled incidents' table, as schema.table. */
  labels: string;
  detectWithinDays: number;
  /** The settings varied and their values, as asked (`--k 1.5,2` → { k: ['1.5', '2'] }); empty: the current statuses only. */
  vary: Record<string, string[]>;
  budget: number | null;
  /** The current configuration first, then one entry a combination of `vary`. */
  settings: BacktestSettingResult[];
  proposals: Proposal[] | null;
}

export interface BacktestArtifactInput {
  labels: string;
  detectWithinDays: number;
  vary: Record<string, string[]>;
  budget: number | null;
  runs: ReadonlyArray<{ label: string; overrides: Override[]; overall: Score; kpis: KpiScore[]; series: SeriesScore[] }>;
  proposals: Proposal[] | null;
  invocationId: string;
  now: Date;
}

function worstOf(series: readonly SeriesScore[]): SeriesScore | null {
  let worst: SeriesScore | null = null;
  for (const entry of series) {
    if (entry.falseRedsPerMonth === null) continue;
    if (!worst || (worst.falseRedsPerMonth ?? 0) < entry.falseRedsPerMonth) worst = entry;
  }
  return worst;
}

/**
 * The backtest as a file: what the run printed per setting (overall and per KPI, the same
 * objects `--format json` prints) and its worst series, without the per-series and
 * per-incident lists (a demo's 25 settings would be megabytes of them).
 */
export function buildBacktestArtifact(input: BacktestArtifactInput): BacktestArtifact {
  return {
    metadata: { kpi_schema_version: BACKTEST_RESULTS_SCHEMA, kpi_version: KPI_VERSION, generated_at: input.now.toISOString(), invocation_id: input.invocationId },
    labels: input.labels,
    detectWithinDays: input.detectWithinDays,
    vary: input.vary,
    budget: input.budget,
    settings: input.runs.map((run, index) => ({
      label: run.label,
      overrides: run.overrides,
      current: index === 0 && run.overrides.length === 0,
      overall: run.overall,
      worstSeries: worstOf(run.series),
      kpis: run.kpis,
    })),
    proposals: input.proposals,
  };
}
