import { KpiError, errorMessage } from '../errors.js';
import { readParams } from './check-params.js';
import { metaOf } from './dashboard-context.js';
import type { Connection } from '../adapters/adapter.js';
import type { DashboardContext } from './dashboard-context.js';
import type { DashboardSource } from './dashboard-source.js';
import type { ApiError, HealthResponse, VersionResponse } from './dashboard-types.js';
import { HttpError } from './http-error.js';
import { prometheusText } from './prometheus-text.js';
import { BOARD_PARAMS, readBoard } from './read-board.js';
import { CHANGES_PARAMS, readChanges } from './read-changes.js';
import { KPI_PARAMS, readKpiSeries } from './read-kpi-series.js';
import { MART_HINT } from './queries/read-data-version.js';
import { readServing } from './queries/read-serving.js';

export interface ApiAnswer {
  status: number;
  /** JSON for /api/…, the text format for /metrics. */
  text: string;
  contentType: 'application/json' | 'text/plain; version=0.0.4';
}

const ENDPOINTS = ['/api/meta', '/api/entities', '/api/board', '/api/kpi/<code>', '/api/changes', '/api/backtest', '/api/health', '/api/version', '/metrics'];

/** What the backtest page says when there is no file: the command that writes it. */
const BACKTEST_HINT = 'kpi alerts backtest writes it; add --k 1.5,2,3 (or --set key=v1,v2) to compare settings';

function json(body: unknown, status = 200): ApiAnswer {
  return { status, text: JSON.stringify(body), contentType: 'application/json' };
}

/** An answer kept as its JSON text for as long as the data version stays: asked again, it is neither read nor serialized. */
async function cachedJson(source: DashboardSource, key: string, read: (connection: Connection, context: DashboardContext) => Promise<unknown>): Promise<ApiAnswer> {
  const text = await source.answer(key, async (connection, context) => JSON.stringify(await read(connection, context)));
  return { status: 200, text, contentType: 'application/json' };
}

/** The same request however its parameters are ordered. */
function cacheKey(path: string, params: Map<string, string>): string {
  return `${path}?${[...params]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&')}`;
}

/** Whether a path is one this handler answers (the rest is the page's). */
export function isApiPath(path: string): boolean {
  return path === '/metrics' || path === '/api' || path.startsWith('/api/');
}

/**
 * Answer one GET of the JSON API or /metrics. Every parameter is checked against the
 * mart (unknown ones, bad dates, windows, entities and KPIs are a 400 naming what is
 * valid); the query then runs read-only with the values bound. A mart that is not built
 * is a 503; anything else the database says is a 500.
 */
export async function handleApi(source: DashboardSource, path: string, search: URLSearchParams): Promise<ApiAnswer> {
  try {
    const kpi = /^\/api\/kpi\/([^/]+)$/.exec(path);
    if (kpi) {
      let code: string;
      try {
        code = decodeURIComponent(kpi[1]);
      } catch {
        throw new HttpError(400, 'the KPI code in the path is not valid URL encoding');
      }
      const params = readParams(search, KPI_PARAMS);
      return await cachedJson(source, cacheKey(path, params), (connection, context) => readKpiSeries(connection, context, code, params));
    }
    switch (path) {
      case '/api/meta':
      case '/api/entities': {
        readParams(search, []);
        const meta = await source.read(async (_connection, context) => metaOf(context));
        return json(path === '/api/meta' ? meta : meta.entities);
      }
      case '/api/board': {
        const params = readParams(search, BOARD_PARAMS);
        return await cachedJson(source, cacheKey(path, params), (connection, context) => readBoard(connection, context, params));
      }
      case '/api/changes': {
        const params = readParams(search, CHANGES_PARAMS);
        return await cachedJson(source, cacheKey(path, params), (connection, context) => readChanges(connection, context, params));
      }
      case '/api/backtest': {
        // A file, not the database: the backtest is too slow to run for a request (a full thresholds computation per setting).
        readParams(search, []);
        const file = source.backtest?.read() ?? null;
        if (!file) throw new HttpError(404, `no backtest results: ${source.backtest?.shownPath ?? 'target/backtest_results.json'} does not exist`, BACKTEST_HINT);
        return { status: 200, text: file.text, contentType: 'application/json' };
      }
      case '/api/health':
      case '/api/version': {
        readParams(search, []);
        const context = await source.read(async (_connection, found) => found);
        const health: HealthResponse = { status: 'ok', database: context.database, latestDate: context.version.latestDate, lastBuild: context.version.lastBuild, dataVersion: context.version.version };
        const version: VersionResponse = { dataVersion: context.version.version };
        return json(path === '/api/health' ? health : version);
      }
      case '/metrics': {
        readParams(search, []);
        const text = await source.answer(path, async (connection, context) => prometheusText(await readServing(connection, context.tables), context));
        return { status: 200, text, contentType: 'text/plain; version=0.0.4' };
      }
      default:
        throw new HttpError(404, `no such endpoint: ${path.length > 80 ? `${path.slice(0, 80)}…` : path}`, `endpoints: ${ENDPOINTS.join(', ')}`);
    }
  } catch (error) {
    if (error instanceof HttpError) return json({ error: error.message, ...(error.hint ? { hint: error.hint } : {}) } satisfies ApiError, error.status);
    if (error instanceof KpiError && error.code === 'KPI_ARTIFACT_INVALID') return json({ error: error.message, ...(error.hint ? { hint: error.hint } : {}) } satisfies ApiError, 500);
    if (error instanceof KpiError && error.code === 'KPI_NOT_FOUND') return json({ error: error.message, ...(error.hint ? { hint: error.hint } : {}) } satisfies ApiError, 503);
    // A mart table missing (undefined_table): not built, or built on another target.
    if ((error as { code?: unknown }).code === '42P01') return json({ error: `the KPI mart is not built here: ${errorMessage(error)}`, hint: MART_HINT } satisfies ApiError, 503);
    return json({ error: `the database could not answer: ${errorMessage(error)}` } satisfies ApiError, 500);
  }
}
