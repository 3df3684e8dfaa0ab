import { KpiError } from '../errors.js';
import type { DashboardSource } from './dashboard-source.js';
import type { DashboardMeta } from './dashboard-types.js';
import { handleApi } from './handle-api.js';
import { apiPath } from './page/api-path.js';
import { renderPage } from './render-page.js';

export interface ReportRequest {
  /** YYYY-MM-DD (default: the newest as-of date). */
  date?: string;
  /** The tab the report opens on (default 7). */
  window?: number;
  /** Code or id (default ALL). */
  entity?: string;
  now?: Date;
}

export interface Report {
  html: string;
  date: string;
  window: number;
  entity: string;
  kpis: number;
  /** How many API answers the file embeds. */
  answers: number;
}

/**
 * The dashboard as one self-contained HTML file for one date and entity: the board in
 * every window, its status changes, every KPI's page, and the backtest page when the
 * project has backtest results. Each answer is what the live
 * API gives for the same path (so the same checks apply: a bad --date is the API's 400,
 * as a KPI_USAGE error), stored under that path for the page to find.
 */
export async function writeReport(source: DashboardSource, request: ReportRequest): Promise<Report> {
  const responses: Record<string, unknown> = {};
  const ask = async <T>(path: string): Promise<T> => {
    const url = new URL(path, 'http://localhost');
    const answer = await handleApi(source, url.pathname, url.searchParams);
    if (answer.status !== 200) {
      const problem = JSON.parse(answer.text) as { error: string; hint?: string };
      throw new KpiError(answer.status === 400 ? 'KPI_USAGE' : 'KPI_NOT_FOUND', problem.error, { hint: problem.hint });
    }
    const body = JSON.parse(answer.text) as T;
    responses[path] = body;
    return body;
  };
  const meta = await ask<DashboardMeta>('/api/meta');
  const params = { date: request.date, entity: request.entity, window: request.window };
  // The first board settles the date, entity and window (and checks them).
  const first = await ask<{ date: string; window: number; entity: { code: string } }>(apiPath('/api/board', params));
  delete responses[apiPath('/api/board', params)];
  const { date } = first;
  const entity = first.entity.code;
  for (const window of meta.windows) {
    await ask(apiPath('/api/board', { date, entity, window }));
    await ask(apiPath('/api/changes', { date, entity, window }));
  }
  for (const kpi of meta.kpis) await ask(apiPath(`/api/kpi/${encodeURIComponent(kpi.code)}`, { date, entity }));
  // The backtest page when the project has results (a file read, tens of kB): a report without them has no link to it.
  const backtest = source.backtest?.read() ?? null;
  if (backtest) responses['/api/backtest'] = backtest.artifact;
  const reportMeta: DashboardMeta = { ...meta, firstDate: date, latestDate: date, report: { date, entity, createdAt: (request.now ?? new Date()).toISOString() } };
  responses['/api/meta'] = reportMeta;
  const start = apiPath('/', { window: first.window });
  const html = renderPage({ mode: 'static', responses, pollSeconds: 0, start });
  return { html, date, window: first.window, entity, kpis: meta.kpis.length, answers: Object.keys(responses).length };
}
