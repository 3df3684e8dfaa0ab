import type { DashboardMeta, KpiSeriesResponse } from '../dashboard-types.js';
import type { BrowserLib } from './browser-lib.js';

/** The hover panel for one day of a KPI's series: value, expected range, status and why, the other windows, and any event. */
export function describeDay(lib: BrowserLib, meta: DashboardMeta, series: KpiSeriesResponse, index: number, window: number): string {
  const e = lib.escapeHtml;
  const date = series.dates[index];
  if (date === undefined) return '';
  const money = (value: number | null) => e(lib.formatValue(value, series.kpi.format, meta.currency));
  const shown = series.windows[String(window)];
  const status = shown?.status[index] ?? null;
  const reason = shown?.reason[index] ?? (status === 'green' ? 'Within the expected range.' : 'Not scored on this day.');
  const weekday = new Date(`${date}T00:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
  const others = Object.keys(series.windows)
    .map((key) => {
      const other = series.windows[key].status[index] ?? 'none';
      return `<span class="pill s-${e(other)}" title="${e(key)}-day window">${e(key)}d ${e(other)}</span>`;
    })
    .join(' ');
  const event = series.events.find((item) => item.date === date);
  return (
    `<div class="day-head"><strong>${e(weekday)} ${e(date)}</strong> ${others}</div>` +
    `<div class="day-figures"><span>Value <strong>${money(series.values[index])}</strong></span>` +
    `<span>Expected (${window}-day) <strong>${money(shown?.lower[index] ?? null)} to ${money(shown?.upper[index] ?? null)}</strong></span>` +
    `<span>Signals <strong>${e(lib.signalWords(shown?.signals[index] ?? null))}</strong></span></div>` +
    `<p class="reason"><span class="pill s-${e(status ?? 'none')}">${e(status ?? 'none')}</span> ${e(reason)}</p>` +
    (event ? `<p class="event">Event: ${e(event.description)}</p>` : '')
  );
}
