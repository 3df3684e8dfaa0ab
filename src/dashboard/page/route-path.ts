import type { BrowserLib } from './browser-lib.js';
import type { Route } from './page-types.js';

/** A Route written as the path parseRoute reads back. */
export function routePath(lib: BrowserLib, route: Route): string {
  if (route.page === 'backtest') return lib.apiPath('/backtest', { setting: route.setting });
  const base = route.page === 'kpi' && route.kpi ? `/kpi/${encodeURIComponent(route.kpi)}` : '/';
  return lib.apiPath(base, { window: route.window, entity: route.entity, date: route.date });
}
