import { closestMatch } from '../errors.js';
import type { EntityInfo, KpiInfo } from '../mart/mart-types.js';
import { HttpError, shown } from './http-error.js';

function badRequest(message: string, hint?: string): HttpError {
  return new HttpError(400, message, hint);
}

/** The query's parameters, each at most once and each one the endpoint knows: a typo is an error, not a silent default. */
export function readParams(search: URLSearchParams, allowed: readonly string[]): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of search) {
    if (!allowed.includes(name)) {
      const match = closestMatch(name, allowed);
      throw badRequest(
        `unknown parameter ${shown(name)}.${match ? ` Did you mean '${match}'?` : ''}`,
        allowed.length > 0 ? `this endpoint takes ${allowed.join(', ')}` : 'this endpoint takes no parameters',
      );
    }
    if (params.has(name)) throw badRequest(`parameter '${name}' is given more than once`);
    params.set(name, value);
  }
  return params;
}

function isDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** An as-of date the mart has statuses for; the newest when none is given. */
export function checkDate(text: string | undefined, range: { firstDate: string | null; latestDate: string | null }): string {
  if (range.latestDate === null || range.firstDate === null) throw new HttpError(503, 'the KPI mart has no statuses yet', 'build it (kpi build)');
  if (text === undefined || text === '') return range.latestDate;
  if (!isDay(text)) throw badRequest(`date must be a day written YYYY-MM-DD, got ${shown(text)}`);
  if (text < range.firstDate || text > range.latestDate) {
    throw badRequest(`no KPI statuses on ${text}`, `as-of dates run from ${range.firstDate} to ${range.latestDate}`);
  }
  return text;
}

/** One of the windows the mart scores (7, 30, 60 days); 7 when none is given and the mart has it. */
export function checkWindow(text: string | undefined, windows: readonly number[]): number {
  const fallback = windows.includes(7) ? 7 : windows[0];
  if (text === undefined || text === '') {
    if (fallback === undefined) throw new HttpError(503, 'the KPI mart has no statuses yet', 'build it (kpi build)');
    return fallback;
  }
  const window = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!windows.includes(window)) throw badRequest(`window must be one of ${windows.join(', ')} (days), got ${shown(text)}`);
  return window;
}

/** An entity by code (any case) or id; ALL when none is given. */
export function checkEntity(text: string | undefined, entities: readonly EntityInfo[]): EntityInfo {
  if (text === undefined || text === '') {
    const all = entities.find((entity) => entity.id === 0) ?? entities[0];
    if (!all) throw new HttpError(503, 'the KPI mart has no statuses yet', 'build it (kpi build)');
    return all;
  }
  const wanted = text.trim().toLowerCase();
  const found = entities.find((entity) => entity.code.toLowerCase() === wanted || String(entity.id) === wanted);
  if (found) return found;
  const match = closestMatch(
    text,
    entities.map((entity) => entity.code),
  );
  throw badRequest(
    `unknown entity ${shown(text)}.${match ? ` Did you mean '${match}'?` : ''}`,
    `entities with KPI statuses: ${entities.map((entity) => `${entity.code} (${entity.name})`).join(', ')}`,
  );
}

/** A KPI by code (any case) or id. */
export function checkKpi(text: string, kpis: readonly KpiInfo[]): KpiInfo {
  const wanted = text.trim().toLowerCase();
  const found = kpis.find((kpi) => kpi.code.toLowerCase() === wanted || String(kpi.id) === wanted);
  if (found) return found;
  const match = closestMatch(
    text,
    kpis.map((kpi) => kpi.code),
  );
  throw badRequest(`unknown KPI ${shown(text)}.${match ? ` Did you mean '${match}'?` : ''}`, `KPIs: ${kpis.map((kpi) => kpi.code).join(', ')}`);
}

/** How many days of history a series shows: 14 to 3660, 365 when none is given. */
export function checkDays(text: string | undefined): number {
  if (text === undefined || text === '') return 365;
  const days = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(days >= 14 && days <= 3660)) throw badRequest(`days must be a whole number from 14 to 3660, got ${shown(text)}`);
  return days;
}
