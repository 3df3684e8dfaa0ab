import type { BacktestResponse, DashboardMeta } from '../dashboard-types.js';
import type { BrowserLib } from './browser-lib.js';
import type { BacktestPageView } from './page-types.js';

/**
 * The backtest page: what the labelled incidents were and when the backtest ran, the
 * trade-off chart (drawn after, into #backtest-chart) with its hover panel, one row a
 * setting (each a link choosing it), and the chosen setting's figures per KPI. Cells
 * carry their figure unrounded in data-value.
 */
export function renderBacktestPage(lib: BrowserLib, meta: DashboardMeta, backtest: BacktestResponse, view: BacktestPageView): string {
  const e = lib.escapeHtml;
  type Setting = BacktestResponse['settings'][number];
  type Figures = Setting['overall'];
  const cell = (value: number | null, text: string, name: string) => `<td data-figure="${name}" data-value="${value === null ? '' : String(value)}">${e(text)}</td>`;
  const percent = (value: number | null, name: string) => cell(value, lib.formatValue(value, 'percent', ''), name);
  const decimal = (value: number | null, name: string, digits: number) => cell(value, value === null ? '–' : value.toFixed(digits), name);
  const count = (value: number, name: string) => cell(value, String(value), name);
  const entityName = (id: number) => meta.entities.find((entity) => entity.id === id)?.code ?? String(id);
  const chosen = backtest.settings.find((setting) => setting.label === view.setting) ?? backtest.settings[0];
  const name = (setting: Setting) => (setting.current ? 'current configuration' : setting.label);
  const figures = (score: Figures) =>
    count(score.incidents, 'incidents') +
    percent(score.recall, 'recall') +
    percent(score.precision, 'precision') +
    decimal(score.meanDaysToDetect, 'days-to-detect', 1) +
    count(score.falseReds, 'false-reds') +
    percent(score.falseRedRate, 'false-red-rate') +
    decimal(score.falseRedsPerMonth, 'false-reds-month', 2);
  const heads = (first: string) =>
    `<tr><th>${first}</th><th>Incidents</th><th>Recall</th><th>Precision</th><th>Days to detect</th><th>False Reds</th><th>False Red rate</th><th>False Reds a month</th>`;
  const settings = backtest.settings
    .map((setting) => {
      const worst = setting.worstSeries;
      const where = worst ? `${e(worst.kpiCode)} · ${e(entityName(worst.entityId))} · ${worst.windowDays}-day` : '';
      const mark = setting.current ? ' <span class="pill s-current">current</span>' : '';
      const here = setting.label === chosen.label ? ' class="here"' : '';
      return (
        `<tr data-setting="${e(setting.label)}"${here}><td class="nowrap"><a href="${e(view.settingLink(setting.label))}">${e(setting.current ? 'as configured' : setting.label)}</a>${mark}</td>${figures(setting.overall)}` +
        `${decimal(worst?.falseRedsPerMonth ?? null, 'worst-false-reds-month', 2)}<td class="nowrap">${where}</td>${decimal(setting.overall.falseYellowsPerMonth, 'false-yellows-month', 2)}</tr>`
      );
    })
    .join('');
  const kpis = chosen.kpis
    .map((kpi) => {
      const info = meta.kpis.find((item) => item.code === kpi.kpiCode);
      return (
        `<tr data-kpi="${e(kpi.kpiCode)}"><td><span class="kpi-code">${e(kpi.kpiCode)}</span>${info ? ` <span class="muted">${e(info.name)}</span>` : ''}</td>${figures(kpi)}` +
        `${decimal(kpi.worstFalseRedsPerMonth, 'worst-false-reds-month', 2)}${percent(kpi.worstFalseRedRate, 'worst-false-red-rate')}${decimal(kpi.falseYellowsPerMonth, 'false-yellows-month', 2)}</tr>`
      );
    })
    .join('');
  const plotted = backtest.settings.filter((setting) => setting.overall.recall !== null && setting.overall.falseRedsPerMonth !== null).length;
  const generated = new Date(backtest.metadata.generated_at);
  const when = Number.isNaN(generated.getTime()) ? backtest.metadata.generated_at : generated.toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
  const varied = Object.keys(backtest.vary);
  const proposals = (backtest.proposals ?? [])
    .map(
      (proposal) =>
        `<tr><td>${e(proposal.kpiCode)}</td><td>${proposal.run === null ? '<span class="muted">none fits</span>' : e(proposal.run)}</td>` +
        `${percent(proposal.recall, 'recall')}${decimal(proposal.run === null ? proposal.bestWorstFalseRedsPerMonth : proposal.worstFalseRedsPerMonth, 'worst-false-reds-month', 2)}</tr>`,
    )
    .join('');
  return [
    `<div class="backtest-page" data-setting="${e(chosen.label)}">`,
    `<nav class="crumbs"><a href="${e(view.boardLink)}">← Board</a> · Alerts</nav>`,
    '<header class="kpi-head"><h1>Backtest: what each setting would have caught</h1></header>',
    `<p class="muted description">Statuses over the whole history scored against the incidents in <strong>${e(backtest.labels)}</strong>; a Red within ${backtest.detectWithinDays} day(s) of an incident detects it. ` +
      `${varied.length > 0 ? `Settings tried: ${varied.map((key) => `${e(key)} = ${e(backtest.vary[key].join(', '))}`).join('; ')}.` : 'Only the current configuration was scored: run it with --k 1.5,2,3 to compare settings.'} ` +
      `Written by <code>kpi alerts backtest</code> on ${e(when)}.</p>`,
    '<section class="panel"><h2>Recall against false Reds a month, one point a setting</h2>',
    '<div class="legend"><span class="key all-key"></span>All series (false Reds a month per series) <span class="key worst-key"></span>Worst series (KPI × entity × window) <span class="key current-key"></span>Current configuration</div>',
    plotted === 0 ? '<p class="muted">No labelled incident falls inside the scored history, so no setting has a recall to draw: the tables below still count the false alerts.</p>' : '',
    '<div class="chart backtest-chart" id="backtest-chart"></div><div class="day-detail" id="setting-detail"></div></section>',
    '<section class="panel"><h2>Settings</h2><div class="scroll"><table class="list figures settings">',
    `<thead>${heads('Setting')}<th>Worst series, false Reds a month</th><th class="text">Worst series</th><th>False Yellows a month</th></tr></thead><tbody>${settings}</tbody></table></div></section>`,
    `<section class="panel"><h2>Per KPI with ${e(name(chosen))} <span class="muted">(entities and windows added up; worst: the KPI's worst entity × window)</span></h2>`,
    `<table class="list figures per-kpi"><thead>${heads('KPI')}<th>Worst, false Reds a month</th><th>Worst, false Red rate</th><th>False Yellows a month</th></tr></thead><tbody>${kpis}</tbody></table></section>`,
    proposals
      ? `<section class="panel"><h2>Proposed for a budget of ${e(String(backtest.budget))} false Reds a month in every series</h2><table class="list figures proposals"><thead><tr><th>KPI</th><th>Setting</th><th>Recall</th><th>Worst, false Reds a month</th></tr></thead><tbody>${proposals}</tbody></table></section>`
      : '',
    '</div>',
  ].join('');
}
