import type { BoardCard, BoardResponse, ChangesResponse, DashboardMeta } from '../dashboard-types.js';
import type { BrowserLib } from './browser-lib.js';

/**
 * The board: counts per status (each a filter), then the KPI cards by section, each with
 * its value, status and reason, a sparkline placeholder (drawn after) and its period
 * figures; then the status changes of the last two weeks. `link` writes a page's href.
 */
export function renderBoard(lib: BrowserLib, meta: DashboardMeta, board: BoardResponse, changes: ChangesResponse | null, view: { filter: string | null; link: (kpi: string) => string }): string {
  const e = lib.escapeHtml;
  const statuses: Array<[string, string]> = [
    ['red', 'Red'],
    ['yellow', 'Yellow'],
    ['green', 'Green'],
    ['grey', 'Grey'],
    ['expected', 'Expected'],
  ];
  const counts = statuses
    .map(
      ([status, label]) =>
        `<button class="count s-${status}${view.filter === status ? ' on' : ''}" data-filter="${status}" aria-pressed="${view.filter === status}">` +
        `<span class="n" data-count="${status}">${board.counts[status as keyof BoardResponse['counts']]}</span><span class="label">${label}</span></button>`,
    )
    .join('');
  const card = (item: BoardCard, index: number) => {
    const { kpi, point } = item;
    const day = item.periods?.day;
    const tone = lib.changeTone(day?.deltaPct ?? null, kpi.direction);
    const hidden = view.filter !== null && view.filter !== point.status ? ' hidden' : '';
    return (
      `<a class="card s-${e(point.status)}" href="${e(view.link(kpi.code))}" data-kpi="${e(kpi.code)}"${hidden}>` +
      `<div class="card-head"><span class="name">${e(kpi.name)}</span><span class="pill s-${e(point.status)}">${e(point.status)}</span></div>` +
      `<div class="figure"><span class="value">${e(lib.formatValue(point.value, kpi.format, meta.currency))}</span>` +
      `<span class="vs tone-${tone}" title="the day against the same weekday a year earlier">${e(lib.formatChange(day?.deltaPct ?? null))} vs last year</span></div>` +
      `<div class="spark" data-spark="${index}" aria-hidden="true"></div>` +
      `<p class="reason">${e(point.reason)}</p>` +
      `${lib.renderPeriods(lib, item.periods, kpi, meta.currency, true)}</a>`
    );
  };
  const alerting = board.sections
    .flatMap((section) => section.cards)
    .filter((item) => item.point.status === 'red' || item.point.status === 'yellow')
    .sort((a, b) => Number(b.point.status === 'red') - Number(a.point.status === 'red'));
  const attention =
    alerting.length === 0
      ? '<p class="attention calm">Nothing needs attention: no KPI is Red or Yellow.</p>'
      : `<ul class="attention">${alerting
          .map(
            (item) =>
              `<li><a href="${e(view.link(item.kpi.code))}"><span class="pill s-${e(item.point.status)}">${e(item.point.status)}</span> <strong>${e(item.kpi.name)}</strong> ` +
              `<span class="value">${e(lib.formatValue(item.point.value, item.kpi.format, meta.currency))}</span> <span class="why">${e(item.point.reason)}</span></a></li>`,
          )
          .join('')}</ul>`;
  let index = 0;
  const sections = board.sections
    .map((section) => {
      const cards = section.cards.map((item) => card(item, index++)).join('');
      return `<section class="group"><h2>${e(section.name)} <span class="muted">${section.cards.length}</span></h2><div class="cards">${cards}</div></section>`;
    })
    .join('');
  const changeRows = (changes?.changes ?? [])
    .slice(0, 40)
    .map(
      (change) =>
        `<tr><td class="nowrap">${e(change.date)}</td><td><a href="${e(view.link(change.kpi))}">${e(change.kpiName)}</a></td>` +
        `<td class="nowrap"><span class="pill s-${e(change.from)}">${e(change.from)}</span> → <span class="pill s-${e(change.to)}">${e(change.to)}</span></td><td>${e(change.reason)}</td></tr>`,
    )
    .join('');
  const changeList = changes
    ? `<section class="group"><h2>Status changes since ${e(changes.from)} <span class="muted">${changes.changes.length}</span></h2>` +
      (changeRows
        ? `<div class="scroll"><table class="list"><thead><tr><th>Day</th><th>KPI</th><th>Change</th><th>Why</th></tr></thead><tbody>${changeRows}</tbody></table></div>`
        : '<p class="muted">No status changed.</p>') +
      '</section>'
    : '';
  const title = `${e(board.entity.name)} · ${board.window}-day window · as of ${e(board.date)}`;
  return `<div class="board" data-window="${board.window}" data-date="${e(board.date)}" data-entity="${e(board.entity.code)}"><h1 class="title">${title}</h1><div class="counts">${counts}</div>${attention}${sections}${changeList}</div>`;
}
