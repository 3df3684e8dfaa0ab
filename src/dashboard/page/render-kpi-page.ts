import type { DashboardMeta, KpiSeriesResponse } from '../dashboard-types.js';
import type { BrowserLib } from './browser-lib.js';
import type { KpiPageView } from './page-types.js';

/** A KPI's page: status and figures, the chart (drawn after), the hover panel, the status timeline, the changes, and the same KPI for every entity. */
export function renderKpiPage(lib: BrowserLib, meta: DashboardMeta, series: KpiSeriesResponse, view: KpiPageView): string {
  const e = lib.escapeHtml;
  const { kpi } = series;
  const money = (value: number | null) => e(lib.formatValue(value, kpi.format, meta.currency));
  const last = series.dates.length - 1;
  const current = series.windows[String(view.window)];
  const status = current?.status[last] ?? 'grey';
  const reason = current?.reason[last] ?? (status === 'green' ? 'Within the expected range.' : 'Not scored on this day.');
  const changes = series.changes
    .filter((change) => change.window === view.window)
    .slice(0, 60)
    .map(
      (change) =>
        `<tr><td class="nowrap">${e(change.date)}</td><td class="nowrap"><span class="pill s-${e(change.from)}">${e(change.from)}</span> → <span class="pill s-${e(change.to)}">${e(change.to)}</span></td><td>${e(change.reason)}</td></tr>`,
    )
    .join('');
  const windows = Object.keys(series.windows);
  const drill = series.entities
    .map((row) => {
      const href = view.entityLink(row.entity.code);
      const name = href ? `<a href="${e(href)}">${e(row.entity.name)}</a>` : e(row.entity.name);
      const day = row.periods?.day ?? null;
      const mtd = row.periods?.mtd ?? null;
      const pills = windows
        .map((key) => `<td><span class="pill s-${e(row.windows[key]?.status ?? 'none')}" title="${e(row.windows[key]?.reason ?? '')}">${e(row.windows[key]?.status ?? 'none')}</span></td>`)
        .join('');
      const here = row.entity.code === series.entity.code ? ' class="here"' : '';
      return (
        `<tr${here}><td>${name}</td><td>${money(day?.value ?? null)}</td><td class="change tone-${lib.changeTone(day?.deltaPct ?? null, kpi.direction)}">${e(lib.formatChange(day?.deltaPct ?? null))}</td>` +
        `<td>${money(mtd?.value ?? null)}</td><td class="change tone-${lib.changeTone(mtd?.deltaPct ?? null, kpi.direction)}">${e(lib.formatChange(mtd?.deltaPct ?? null))}</td>${pills}</tr>`
      );
    })
    .join('');
  return [
    `<div class="kpi-page" data-kpi="${e(kpi.code)}" data-window="${view.window}">`,
    `<nav class="crumbs"><a href="${e(view.boardLink)}">← Board</a> · ${e(kpi.section)}${kpi.subcategory ? ` · ${e(kpi.subcategory)}` : ''}</nav>`,
    `<header class="kpi-head"><h1>${e(kpi.name)}</h1><span class="pill big s-${e(status)}">${e(status)}</span><span class="muted">${e(series.entity.name)} · as of ${e(series.date)}</span></header>`,
    kpi.description ? `<p class="muted description">${e(kpi.description)}</p>` : '',
    `<div class="kpi-top"><div class="headline"><div class="caption">${e(series.date)}, ${e(String(view.window))}-day window</div><div class="value">${money(series.values[last] ?? null)}</div><p class="reason">${e(reason)}</p></div>${lib.renderPeriods(lib, series.periods, kpi, meta.currency, false)}</div>`,
    `<section class="panel"><h2>Daily ${e(kpi.name)} with its ${view.window}-day expected range</h2>`,
    `<div class="legend"><span class="key value-key"></span>Value <span class="key band-key"></span>Expected range <span class="key red-key"></span>Red day <span class="key yellow-key"></span>Yellow day <span class="key event-key"></span>Event day</div>`,
    '<div class="chart" id="kpi-chart"></div><div class="day-detail" id="day-detail"></div></section>',
    `<section class="panel"><h2>Status by window</h2>${lib.renderTimeline(lib, series, view.window)}</section>`,
    `<section class="panel"><h2>Status changes (${view.window}-day window) since ${e(series.from)}</h2>`,
    changes
      ? `<div class="scroll"><table class="list"><thead><tr><th>Day</th><th>Change</th><th>Why</th></tr></thead><tbody>${changes}</tbody></table></div>`
      : '<p class="muted">No status change in this range.</p>',
    '</section>',
    `<section class="panel"><h2>${e(kpi.name)} across entities on ${e(series.date)}</h2><table class="list drill"><thead><tr><th>Entity</th><th>Day</th><th>vs last year</th><th>Month to date</th><th>vs last year</th>${windows.map((key) => `<th>${e(key)}-day</th>`).join('')}</tr></thead><tbody>${drill}</tbody></table></section>`,
    '</div>',
  ].join('');
}
