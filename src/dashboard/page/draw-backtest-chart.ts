import type uPlot from 'uplot';
import type { BacktestResponse } from '../dashboard-types.js';

/**
 * The backtest's trade-off: one point a setting at (false Reds a month over all series,
 * recall), joined to a hollow point at its worst series' false Reds a month (the figure an
 * alert budget has to hold for), labelled with the setting; the current configuration in
 * green, the chosen setting ringed. uPlot draws the axes and grid; the points are drawn in
 * its draw hook, as a scatter of labelled points is not what its aligned series are for.
 * Hovering a point calls `onHover` with its label, clicking it `onChoose`. A setting
 * without incidents (no recall) has no point. The element records what was drawn, in
 * canvas pixels (data-points), for tests.
 */
export function drawBacktestChart(
  UPlot: typeof uPlot,
  element: HTMLElement,
  backtest: BacktestResponse,
  chosen: string,
  onHover: (label: string | null) => void,
  onChoose: (label: string) => void,
): uPlot {
  const points = backtest.settings.flatMap((setting) =>
    setting.overall.recall === null || setting.overall.falseRedsPerMonth === null
      ? []
      : [{ label: setting.label, current: setting.current, recall: setting.overall.recall, all: setting.overall.falseRedsPerMonth, worst: setting.worstSeries?.falseRedsPerMonth ?? null }],
  );
  const widest = Math.max(0, ...points.map((point) => Math.max(point.all, point.worst ?? 0)));
  const xMax = widest > 0 ? widest * 1.15 : 1;
  const ratio = UPlot.pxRatio;
  const nearest = (chart: uPlot, left: number, top: number): string | null => {
    let best: { label: string; distance: number } | null = null;
    for (const point of points) {
      const y = chart.valToPos(point.recall, 'y');
      for (const x of [point.all, point.worst]) {
        if (x === null) continue;
        const distance = Math.hypot(chart.valToPos(x, 'x') - left, y - top);
        if (distance <= 14 && (!best || distance < best.distance)) best = { label: point.label, distance };
      }
    }
    return best?.label ?? null;
  };
  const drawPoints = (chart: uPlot): void => {
    const context = chart.ctx;
    const drawn: Array<{ label: string; x: number; y: number; worstX: number | null }> = [];
    const labels: Array<{ left: number; top: number; right: number; bottom: number }> = [];
    context.save();
    context.font = `${12 * ratio}px system-ui, sans-serif`;
    // uPlot leaves the context as its last axis drew it (right-aligned): the labels start at their point.
    context.textAlign = 'left';
    context.textBaseline = 'middle';
    // Chosen and current last, so they are on top.
    const order = [...points].sort((a, b) => Number(a.label === chosen || a.current) - Number(b.label === chosen || b.current));
    for (const point of order) {
      const x = chart.valToPos(point.all, 'x', true);
      const y = chart.valToPos(point.recall, 'y', true);
      const worstX = point.worst === null ? null : chart.valToPos(point.worst, 'x', true);
      const fill = point.current ? '#2e9e5b' : '#2f6fde';
      if (worstX !== null) {
        context.strokeStyle = 'rgba(102, 112, 133, 0.6)';
        context.lineWidth = 1.5 * ratio;
        context.beginPath();
        context.moveTo(x, y);
        context.lineTo(worstX, y);
        context.stroke();
        context.fillStyle = '#fff';
        context.strokeStyle = '#d64545';
        context.lineWidth = 2 * ratio;
        context.beginPath();
        context.arc(worstX, y, 4.5 * ratio, 0, 2 * Math.PI);
        context.fill();
        context.stroke();
      }
      if (point.label === chosen) {
        context.strokeStyle = '#15233d';
        context.lineWidth = 2 * ratio;
        context.beginPath();
        context.arc(x, y, 10 * ratio, 0, 2 * Math.PI);
        context.stroke();
      }
      context.fillStyle = fill;
      context.beginPath();
      context.arc(x, y, (point.current ? 7 : 6) * ratio, 0, 2 * Math.PI);
      context.fill();
      // The label above and right of its point, moved down a line while it would cover another.
      const text = point.current ? 'as configured' : point.label;
      const width = context.measureText(text).width;
      const left = x + 14 * ratio;
      let top = y - 20 * ratio;
      for (let tries = 0; tries < 6 && labels.some((box) => left < box.right && left + width > box.left && top < box.bottom && top + 14 * ratio > box.top); tries += 1) top += 15 * ratio;
      labels.push({ left, top, right: left + width, bottom: top + 14 * ratio });
      context.fillStyle = point.label === chosen ? '#15233d' : '#475467';
      context.fillText(text, left, top + 7 * ratio);
      drawn.push({ label: point.label, x: Math.round(x), y: Math.round(y), worstX: worstX === null ? null : Math.round(worstX) });
    }
    context.restore();
    element.setAttribute('data-points', JSON.stringify(drawn));
  };
  const options: uPlot.Options = {
    width: Math.max(320, element.clientWidth),
    height: 380,
    legend: { show: false },
    scales: { x: { time: false, range: [0, xMax] }, y: { range: [0, 1.08] } },
    cursor: { x: false, y: false, points: { show: false }, drag: { x: false, y: false, setScale: false } },
    axes: [
      {
        label: 'False Reds a month',
        stroke: '#5b6472',
        grid: { stroke: '#eef0f3', width: 1 },
        ticks: { stroke: '#e3e6eb', width: 1 },
        values: (_chart: uPlot, ticks: number[]) => ticks.map((tick) => tick.toFixed(xMax < 0.5 ? 2 : 1)),
      },
      {
        label: 'Recall',
        stroke: '#5b6472',
        size: 64,
        grid: { stroke: '#eef0f3', width: 1 },
        ticks: { stroke: '#e3e6eb', width: 1 },
        splits: () => [0, 0.25, 0.5, 0.75, 1],
        values: (_chart: uPlot, ticks: number[]) => ticks.map((tick) => `${Math.round(tick * 100)}%`),
      },
    ],
    // One empty series on the y scale: the scales and axes are uPlot's, the points the draw hook's.
    series: [{ label: 'False Reds a month' }, { label: 'Recall', stroke: 'transparent', points: { show: false } }],
    hooks: {
      draw: [drawPoints],
      setCursor: [(chart: uPlot) => onHover(chart.cursor.left === undefined || chart.cursor.left < 0 ? null : nearest(chart, chart.cursor.left, chart.cursor.top ?? -1))],
    },
  };
  const chart = new UPlot(
    options,
    [
      [0, xMax],
      [null, null],
    ] as unknown as uPlot.AlignedData,
    element,
  );
  chart.over.style.cursor = 'pointer';
  chart.over.addEventListener('click', (event: MouseEvent) => {
    const box = chart.over.getBoundingClientRect();
    const label = nearest(chart, event.clientX - box.left, event.clientY - box.top);
    if (label !== null) onChoose(label);
  });
  element.setAttribute('data-settings', String(points.length));
  return chart;
}
