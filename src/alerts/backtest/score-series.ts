import type { KpiScore, Score, SeriesScore } from '../../mart/backtest-score.js';
import type { SeriesCounts } from './backtest-types.js';

/** An average month, in days: false alerts a month are false alerts per this many quiet days. */
export const DAYS_PER_MONTH = 365.25 / 12;

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** The figures of a set of series' counts added together. */
export function score(counts: readonly SeriesCounts[]): Score {
  const sum = (pick: (row: SeriesCounts) => number) => counts.reduce((total, row) => total + pick(row), 0);
  const quietDays = sum((row) => row.quietDays);
  const falseReds = sum((row) => row.falseReds);
  const falseYellows = sum((row) => row.falseYellows);
  const trueReds = sum((row) => row.trueReds);
  const incidents = sum((row) => row.incidents);
  const detected = sum((row) => row.detected);
  const months = quietDays / DAYS_PER_MONTH;
  return {
    quietDays,
    falseReds,
    falseYellows,
    trueReds,
    falseRedRate: ratio(falseReds, quietDays),
    falseRedsPerMonth: ratio(falseReds, months),
    falseYellowsPerMonth: ratio(falseYellows, months),
    incidents,
    detected,
    recall: ratio(detected, incidents),
    precision: ratio(trueReds, trueReds + falseReds),
    meanDaysToDetect: ratio(
      sum((row) => row.daysToDetect),
      detected,
    ),
  };
}

export function scoreSeries(counts: readonly SeriesCounts[]): SeriesScore[] {
  return counts.map((row) => ({ kpiCode: row.kpiCode, entityId: row.entityId, windowDays: row.windowDays, ...score([row]) }));
}

/** Per KPI in the order first met: its series added together, and its worst series. */
export function scoreKpis(counts: readonly SeriesCounts[]): KpiScore[] {
  const byKpi = new Map<string, SeriesCounts[]>();
  for (const row of counts) byKpi.set(row.kpiCode, [...(byKpi.get(row.kpiCode) ?? []), row]);
  return [...byKpi].map(([kpiCode, rows]) => {
    const series = rows.map((row) => score([row]));
    const worst = (pick: (value: Score) => number | null) =>
      series.reduce<number | null>((max, value) => {
        const figure = pick(value);
        return figure === null ? max : Math.max(max ?? figure, figure);
      }, null);
    return { kpiCode, ...score(rows), worstFalseRedsPerMonth: worst((value) => value.falseRedsPerMonth), worstFalseRedRate: worst((value) => value.falseRedRate) };
  });
}
