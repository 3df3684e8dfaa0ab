import type { KpiInfo, PeriodFigures } from '../../mart/mart-types.js';
import type { BrowserLib } from './browser-lib.js';

/** Day, month, quarter and year to date and the last 28 days, each against the prior year, as a table. */
export function renderPeriods(lib: BrowserLib, periods: PeriodFigures | null, kpi: KpiInfo, currency: string, short: boolean): string {
  if (!periods) return '<p class="muted">No period figures for this day.</p>';
  const labels: Array<[keyof PeriodFigures, string, string]> = [
    ['day', 'Day', 'Day (against the same weekday a year earlier)'],
    ['mtd', 'MTD', 'Month to date'],
    ['qtd', 'QTD', 'Quarter to date'],
    ['ytd', 'YTD', 'Year to date'],
    ['last28', 'Last 28', 'Last 28 days (against the same 28 days a year earlier)'],
  ];
  const rows = labels.map(([period, abbreviation, label]) => {
    const figure = periods[period];
    const tone = lib.changeTone(figure.deltaPct, kpi.direction);
    // A card is narrow: large figures there are written $2.9M; the KPI page gives them in full.
    const money = (value: number | null) => lib.escapeHtml(lib.formatValue(value, kpi.format, currency, short && Math.abs(value ?? 0) >= 10000));
    return (
      `<tr><th scope="row"${short ? ` title="${label}"` : ''}>${short ? abbreviation : label}</th><td>${money(figure.value)}</td>` +
      `<td class="muted">${money(figure.prior)}</td>` +
      `<td class="change tone-${tone}">${lib.escapeHtml(lib.formatChange(figure.deltaPct))}</td></tr>`
    );
  });
  return `<table class="periods"><thead><tr><th></th><th>${short ? 'Now' : 'This year'}</th><th>${short ? 'Last yr' : 'Prior year'}</th><th>Change</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}
