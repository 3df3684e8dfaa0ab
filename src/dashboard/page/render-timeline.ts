import type { KpiSeriesResponse } from '../dashboard-types.js';
import type { BrowserLib } from './browser-lib.js';

/** One strip of coloured days per window: the status history at a glance, each day's status and reason in its tooltip. */
export function renderTimeline(lib: BrowserLib, series: KpiSeriesResponse, current: number): string {
  const e = lib.escapeHtml;
  const rows = Object.keys(series.windows).map((key) => {
    const window = series.windows[key];
    const cells = series.dates
      .map((date, index) => {
        const status = window.status[index] ?? 'none';
        const reason = window.reason[index] ?? (status === 'green' ? 'Within the expected range.' : '');
        return `<span class="cell s-${e(status)}" title="${e(`${date} · ${status}${reason ? ` · ${reason}` : ''}`)}"></span>`;
      })
      .join('');
    return `<div class="strip${Number(key) === current ? ' on' : ''}"><span class="strip-label">${e(key)}-day</span><div class="cells" style="grid-template-columns: repeat(${series.dates.length}, 1fr)">${cells}</div></div>`;
  });
  return `<div class="timeline">${rows.join('')}<div class="strip axis"><span class="strip-label"></span><div class="ends"><span>${e(series.from)}</span><span>${e(series.date)}</span></div></div></div>`;
}
