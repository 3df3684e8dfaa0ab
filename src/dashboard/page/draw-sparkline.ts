import type uPlot from 'uplot';
import type { BoardCard } from '../dashboard-types.js';

/**
 * A card's 90-day sparkline: the value, its expected range as a band, and its Red and
 * Yellow days as dots. `width` is measured by the caller once for all cards: reading it
 * here after the previous chart was added would lay the page out again for every card.
 */
export function drawSparkline(UPlot: typeof uPlot, element: HTMLElement, width: number, dates: readonly string[], spark: BoardCard['spark']): uPlot {
  const xs = dates.map((date) => Date.parse(`${date}T00:00:00Z`) / 1000);
  const only = (letter: string) => spark.values.map((value, index) => (spark.statuses.charAt(index) === letter ? value : null));
  const dots = (color: string): uPlot.Series => ({ stroke: color, fill: color, paths: () => null, points: { show: true, size: 5, width: 1, stroke: color, fill: color } });
  const edge: uPlot.Series = { stroke: 'rgba(47, 111, 222, 0.35)', width: 1, points: { show: false } };
  const options: uPlot.Options = {
    width: Math.max(120, width),
    height: 52,
    legend: { show: false },
    cursor: { show: false, drag: { x: false, y: false } },
    axes: [{ show: false }, { show: false }],
    scales: { x: { time: true } },
    padding: [4, 4, 4, 4],
    series: [{}, { ...edge }, { ...edge }, { stroke: '#1f3b63', width: 1.5, points: { show: false } }, dots('#d64545'), dots('#e0a100')],
    bands: [{ series: [1, 2], fill: 'rgba(47, 111, 222, 0.14)' }],
  };
  return new UPlot(options, [xs, spark.upper, spark.lower, spark.values, only('r'), only('y')] as uPlot.AlignedData, element);
}
