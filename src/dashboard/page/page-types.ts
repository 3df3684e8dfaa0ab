/** What the page is started with, embedded in its HTML. */
export interface DashboardBoot {
  /** live: answers come from the server's /api; static: from `responses`, embedded by `kpi dashboard --out`. */
  mode: 'live' | 'static';
  /** A static report's API answers, by the path (api-path.ts) that would have returned each. */
  responses: Record<string, unknown> | null;
  /** Live: seconds between checks of the data version (0: never). */
  pollSeconds: number;
  /** A static report's first page (its --window), as a route path; the hash wins when there is one. */
  start: string | null;
}

/** Which page, for what: the address (live) or the hash (static) written as a path. */
export interface Route {
  page: 'board' | 'kpi' | 'backtest';
  kpi: string | null;
  window: number | null;
  entity: string | null;
  date: string | null;
  /** The backtest page's chosen setting (its label); absent elsewhere. */
  setting?: string | null;
}

export interface KpiPageView {
  window: number;
  boardLink: string;
  /** This KPI for another entity, or null when the page cannot show it (a static report holds one entity). */
  entityLink: (entity: string) => string | null;
}

export interface BacktestPageView {
  /** The setting whose per-KPI figures are shown (its label). */
  setting: string;
  settingLink: (label: string) => string;
  boardLink: string;
}
