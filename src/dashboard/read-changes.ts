import type { Connection } from '../adapters/adapter.js';
import { checkDate, checkEntity, checkWindow } from './check-params.js';
import type { DashboardContext } from './dashboard-context.js';
import type { ChangesResponse } from './dashboard-types.js';
import { addDays } from './day-math.js';
import { describeStatus } from '../mart/describe-status.js';
import { HttpError, shown } from './http-error.js';
import { readStatusChanges } from './queries/read-status-changes.js';

export const CHANGES_PARAMS = ['date', 'window', 'entity', 'days'] as const;

/** Every KPI's status changes for one entity and window over the `days` (default 14, at most 366) days up to the as-of date, newest first. */
export async function readChanges(connection: Connection, context: DashboardContext, params: Map<string, string>): Promise<ChangesResponse> {
  const { catalog, tables, currency } = context;
  const date = checkDate(params.get('date'), context.version);
  const window = checkWindow(params.get('window'), catalog.windows);
  const entity = checkEntity(params.get('entity'), catalog.entities);
  const daysText = params.get('days');
  const days = daysText === undefined || daysText === '' ? 14 : /^\d{1,3}$/.test(daysText) ? Number(daysText) : NaN;
  if (!(days >= 1 && days <= 366)) throw new HttpError(400, `days must be a whole number from 1 to 366, got ${shown(daysText ?? '')}`);
  const from = addDays(date, -(days - 1));
  const kpis = new Map(catalog.kpis.map((kpi) => [kpi.id, kpi]));
  const rows = await readStatusChanges(connection, tables, { from, to: date, entityId: entity.id, window, kpiIds: [...kpis.keys()] });
  const changes = rows.flatMap((row) => {
    const kpi = kpis.get(row.kpiId);
    return kpi ? [{ date: row.date, kpi: kpi.code, kpiName: kpi.name, entity: entity.code, window, from: row.previous, to: row.status, reason: describeStatus(row, kpi, currency) }] : [];
  });
  return { date, from, window, entity, changes };
}
