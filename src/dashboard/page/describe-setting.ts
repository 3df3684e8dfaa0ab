import type { BacktestResponse, DashboardMeta } from '../dashboard-types.js';
import type { BrowserLib } from './browser-lib.js';

/** The chart's hover panel for one setting: its recall, precision, false Reds a month overall and in its worst series. */
export function describeSetting(lib: BrowserLib, meta: DashboardMeta, setting: BacktestResponse['settings'][number]): string {
  const e = lib.escapeHtml;
  const percent = (value: number | null) => e(lib.formatValue(value, 'percent', ''));
  const decimal = (value: number | null) => (value === null ? '–' : value.toFixed(2));
  const { overall } = setting;
  const worst = setting.worstSeries;
  const entity = worst ? (meta.entities.find((item) => item.id === worst.entityId)?.name ?? String(worst.entityId)) : '';
  return (
    `<div class="day-head"><strong>${e(setting.current ? 'Current configuration' : setting.label)}</strong>${setting.current ? ' <span class="pill s-current">current</span>' : ''}</div>` +
    `<div class="day-figures"><span>Recall <strong>${percent(overall.recall)}</strong> (${overall.detected} of ${overall.incidents})</span>` +
    `<span>Precision <strong>${percent(overall.precision)}</strong></span>` +
    `<span>False Reds a month <strong>${decimal(overall.falseRedsPerMonth)}</strong></span>` +
    `<span>Worst series <strong>${decimal(worst?.falseRedsPerMonth ?? null)}</strong>${worst ? ` (${e(worst.kpiCode)}, ${e(entity)}, ${worst.windowDays}-day)` : ''}</span></div>` +
    '<p class="muted">Click a point to see its figures per KPI.</p>'
  );
}
