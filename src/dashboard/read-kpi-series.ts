import type { Connection } from '../adapters/adapter.js';
import { checkDate, checkDays, checkEntity, checkKpi } from './check-params.js';
import type { DashboardContext } from './dashboard-context.js';
import type { DrillRow, KpiSeriesResponse, StatusChange, WindowSeries } from './dashboard-types.js';
import type { KpiInfo } from '../mart/mart-types.js';
import { addDays, dayRange } from './day-math.js';
import { describeStatus } from '../mart/describe-status.js';
import { eventsQuery, toEvents } from './queries/read-events.js';
import { periodKey, periodsQuery, toPeriodFigures } from '../mart/queries/read-periods.js';
import { statusesQuery, toStatusRows, type StatusRow } from '../mart/queries/read-statuses.js';
import { runQueries, sqlBuilder } from '../mart/queries/sql-builder.js';
import { statusPoint } from './status-point.js';

export const KPI_PARAMS = ['date', 'entity', 'days'] as const;

/** Plain green days say nothing a reader needs on hover; only the others carry a reason (it keeps a year's series small). */
function needsReason(row: StatusRow): boolean {
  return row.status !== 'green' || row.signals !== '';
}

function statusChanges(rows: readonly StatusRow[], kpi: KpiInfo, entity: string, currency: string, from: string): StatusChange[] {
  const previous = new Map<number, StatusRow>();
  const changes: StatusChange[] = [];
  for (const row of rows) {
    const before = previous.get(row.window);
    if (before && before.status !== row.status && row.date >= from) {
      changes.push({ date: row.date, kpi: kpi.code, kpiName: kpi.name, entity, window: row.window, from: before.status, to: row.status, reason: describeStatus(row, kpi, currency) });
    }
    previous.set(row.window, row);
  }
  return changes.sort((a, b) => (a.date === b.date ? a.window - b.window : a.date < b.date ? 1 : -1));
}

/**
 * One KPI for one entity: its daily values over `days` days up to the as-of date, each
 * window's band and status, the event days, the period figures, the status changes, and
 * the same KPI on that date for every entity (the drill-down).
 */
export async function readKpiSeries(connection: Connection, context: DashboardContext, code: string, params: Map<string, string>): Promise<KpiSeriesResponse> {
  const { catalog, tables, currency } = context;
  const kpi = checkKpi(code, catalog.kpis);
  const date = checkDate(params.get('date'), context.version);
  const entity = checkEntity(params.get('entity'), catalog.entities);
  const days = checkDays(params.get('days'));
  const from = addDays(date, -(days - 1));
  // The day before the range too, so a change on its first day is seen.
  const knex = await sqlBuilder();
  const [seriesRows, eventRows, periodRows, todayRows] = await runQueries(connection, [
    statusesQuery(knex, tables, { from: addDays(from, -1), to: date, kpiIds: [kpi.id], entityIds: [entity.id], windows: catalog.windows }),
    eventsQuery(knex, tables, { from, to: date, kpiCode: kpi.code, entityId: entity.id }),
    periodsQuery(knex, tables, { date, kpiId: kpi.id }),
    statusesQuery(knex, tables, { from: date, to: date, kpiIds: [kpi.id] }),
  ]);
  const rows = toStatusRows(seriesRows);
  const dates = dayRange(from, date);
  const index = new Map(dates.map((day, position) => [day, position]));
  const values: Array<number | null> = dates.map(() => null);
  const windows: Record<string, WindowSeries> = {};
  for (const window of catalog.windows) {
    windows[String(window)] = { lower: dates.map(() => null), upper: dates.map(() => null), status: dates.map(() => null), signals: dates.map(() => null), reason: dates.map(() => null) };
  }
  for (const row of rows) {
    const position = index.get(row.date);
    const series = windows[String(row.window)];
    if (position === undefined || !series) continue;
    values[position] = row.value;
    series.lower[position] = row.lower;
    series.upper[position] = row.upper;
    series.status[position] = row.status;
    series.signals[position] = row.signals || null;
    series.reason[position] = needsReason(row) ? describeStatus(row, kpi, currency) : null;
  }
  const events = toEvents(eventRows);
  const periods = toPeriodFigures(periodRows);
  const today = toStatusRows(todayRows);
  const entities = catalog.entities.map((other): DrillRow => {
    const points: DrillRow['windows'] = {};
    for (const window of catalog.windows)
      points[String(window)] = statusPoint(
        today.find((row) => row.entityId === other.id && row.window === window),
        kpi,
        currency,
      );
    return { entity: other, periods: periods.get(periodKey(kpi.id, other.id)) ?? null, windows: points };
  });
  return {
    kpi,
    entity,
    date,
    from,
    dates,
    values,
    windows,
    events,
    periods: periods.get(periodKey(kpi.id, entity.id)) ?? null,
    changes: statusChanges(rows, kpi, entity.code, currency, from),
    entities,
  };
}
