import { KpiError, closestMatch } from '../errors.js';
import { FAIL_ON, STATUSES, type FailOn } from './status-order.js';

/** What `kpi alerts` is asked for, as callers write it (CLI flags or API options). */
export interface AlertsRequest {
  /** Rolling window in days (default 7). */
  window?: number;
  /** YYYY-MM-DD (default: the latest as-of date). */
  date?: string;
  statuses?: string[];
  entities?: string[];
  failOn?: string;
  webhook?: string;
  dryRun?: boolean;
  /** Default kpi_serving / kpi_status_history; `schema.table` is taken as written. */
  servingTable?: string;
  historyTable?: string;
}

/** The request checked and normalised. */
export interface AlertsQuery {
  window: number;
  date: string | null;
  statuses: Set<string> | null;
  entities: Set<string> | null;
  failOn: FailOn | null;
  webhook: string | null;
  dryRun: boolean;
  servingTable: string;
  historyTable: string;
}

function usage(message: string, hint?: string): KpiError {
  return new KpiError('KPI_USAGE', message, { hint });
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function list(values: string[] | undefined): string[] | null {
  const items = (values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean);
  return items.length > 0 ? items : null;
}

/** Check a request before anything is read or posted; a bad one is a KPI_USAGE error (exit 2). */
export function checkAlertsRequest(request: AlertsRequest): AlertsQuery {
  const window = request.window ?? 7;
  if (!Number.isInteger(window) || window < 1) throw usage(`--window must be a whole number of days above 0, got ${String(request.window)}`, 'the KPI mart computes windows of 7, 30 and 60 days');
  if (request.date !== undefined && !isDate(request.date)) throw usage(`--date must be a day written YYYY-MM-DD, got '${request.date}'`);
  const statuses = list(request.statuses)?.map((status) => status.toLowerCase()) ?? null;
  for (const status of statuses ?? []) {
    if ((STATUSES as readonly string[]).includes(status)) continue;
    const match = closestMatch(status, STATUSES);
    throw usage(`--status '${status}' is not a status.${match ? ` Did you mean '${match}'?` : ''}`, `statuses: ${STATUSES.join(', ')}`);
  }
  const failOn = request.failOn === undefined ? null : request.failOn.trim().toLowerCase();
  if (failOn !== null && !(FAIL_ON as readonly string[]).includes(failOn)) {
    throw usage(`--fail-on takes red or yellow, got '${request.failOn}'`, '--fail-on yellow fails on yellow and red; grey (too little history) never fails');
  }
  let webhook: string | null = null;
  if (request.webhook !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(request.webhook).protocol;
    } catch {
      // The address itself is not repeated: it may hold a secret.
    }
    if (protocol !== 'http:' && protocol !== 'https:') throw usage('--webhook must be an http:// or https:// URL', 'pass the incoming-webhook URL your chat tool gave you');
    webhook = request.webhook;
  }
  const servingTable = request.servingTable?.trim() || 'kpi_serving';
  const historyTable = request.historyTable?.trim() || 'kpi_status_history';
  const entities = list(request.entities);
  return {
    window,
    date: request.date ?? null,
    statuses: statuses ? new Set(statuses) : null,
    entities: entities ? new Set(entities) : null,
    failOn: failOn as FailOn | null,
    webhook,
    dryRun: Boolean(request.dryRun),
    servingTable,
    historyTable,
  };
}
