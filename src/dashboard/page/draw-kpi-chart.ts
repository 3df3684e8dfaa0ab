import type uPlot from 'uplot';
import type { DashboardMeta, KpiSeriesResponse } from '../dashboard-types.js';
import type { BrowserLib } from './browser-lib.js';

/**
 * A KPI's daily series with one window's expected range as a band, its Red and Yellow
 * days as dots and its event days shaded; `onHover` gets the day under the cursor.
 * The element records what was drawn (data-series, data-band-points) for tests.
 */
export function drawKpiChart(
  lib: BrowserLib,
  UPlot: typeof uPlot,
  element: HTMLElement,
  meta: DashboardMeta,
  series: KpiSeriesResponse,
  window: number,
  onHover: (index: number | null) => void,
): uPlot {
  const shown = series.windows[String(window)];
  const xs = series.dates.map((date) => Date.parse(`${date}T00:00:00Z`) / 1000);
  const none = series.dates.map(() => null);
  const lower = shown?.lower ?? none;
  const upper = shown?.upper ?? none;
  const only = (status: string) => series.values.map((value, index) => (shown?.status[index] === status ? value : null));
  const dots = (label: string, color: string): uPlot.Series => ({ label, stroke: color, fill: color, paths: () => null, points: { show: true, size: 8, width: 1, stroke: '#fff', fill: color } });
  const edge = (label: string): uPlot.Series => ({ label, stroke: 'rgba(47, 111, 222, 0.55)', width: 1, dash: [4, 3], points: { show: false } });
  const events = series.events.map((event) => Date.parse(`${event.date}T00:00:00Z`) / 1000);
  const shade: uPlot.Plugin = {
    hooks: {
      drawClear: [
        (chart: uPlot) => {
          const context = chart.ctx;
          context.save();
          context.fillStyle = 'rgba(124, 92, 186, 0.16)';
          for (const day of events) {
            const left = chart.valToPos(day - 43200, 'x', true);
            const right = chart.valToPos(day + 43200, 'x', true);
            context.fillRect(left, chart.bbox.top, Math.max(2, right - left), chart.bbox.height);
          }
          context.restore();
        },
      ],
    },
  };
  const options: uPlot.Options = {
    width: Math.max(320, element.clientWidth),
    height: 340,
    legend: { show: false },
    tzDate: (seconds: number) => UPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
    scales: { x: { time: true } },
    cursor: { drag: { x: true, y: false }, points: { size: 7 } },
    axes: [
      { stroke: '#5b6472', grid: { stroke: '#eef0f3', width: 1 }, ticks: { stroke: '#e3e6eb', width: 1 } },
      {
        stroke: '#5b6472',
        size: 72,
        grid: { stroke: '#eef0f3', width: 1 },
        ticks: { stroke: '#e3e6eb', width: 1 },
        values: (_chart: uPlot, ticks: number[]) => ticks.map((tick) => lib.formatValue(tick, series.kpi.format, meta.currency, true)),
      },
    ],
    series: [
      { label: 'Day' },
      { label: 'Value', stroke: '#1f3b63', width: 1.75, points: { show: false } },
      edge('Lower bound'),
      edge('Upper bound'),
      dots('Red day', '#d64545'),
      dots('Yellow day', '#e0a100'),
    ],
    bands: [{ series: [3, 2], fill: 'rgba(47, 111, 222, 0.13)' }],
    plugins: [shade],
    hooks: { setCursor: [(chart: uPlot) => onHover(chart.cursor.idx ?? null)] },
  };
  const chart = new UPlot(options, [xs, series.values, lower, upper, only('red'), only('yellow')] as uPlot.AlignedData, element);
  element.setAttribute('data-series', options.series.map((item) => item.label ?? '').join('|'));
  element.setAttribute('data-band-points', String(lower.filter((value, index) => value !== null && upper[index] !== null).length));
  return chart;
}
