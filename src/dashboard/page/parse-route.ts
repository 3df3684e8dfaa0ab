import type { Route } from './page-types.js';

/** `/kpi/TR_WINE?entity=0&date=2026-01-31&window=30` (the serving table's link), `/backtest?setting=k%3D2` or `/?window=30` as a Route. */
export function parseRoute(text: string): Route {
  const query = text.indexOf('?');
  const path = query === -1 ? text : text.slice(0, query);
  const params = new URLSearchParams(query === -1 ? '' : text.slice(query + 1));
  const bare = path.replace(/^#/, '');
  const match = /^\/?kpi\/([^/]+)\/?$/.exec(bare);
  const backtest = /^\/?backtest\/?$/.test(bare);
  const window = Number(params.get('window'));
  const date = params.get('date');
  return {
    page: match ? 'kpi' : backtest ? 'backtest' : 'board',
    kpi: match ? decodeURIComponent(match[1]) : null,
    window: Number.isInteger(window) && window > 0 ? window : null,
    entity: params.get('entity') || null,
    date: date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null,
    ...(backtest ? { setting: params.get('setting') || null } : {}),
  };
}
