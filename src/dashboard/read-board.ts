import type { Connection } from '../adapters/adapter.js';
import { checkDate, checkEntity, checkWindow } from './check-params.js';
import type { DashboardContext } from './dashboard-context.js';
import type { BoardCard, BoardResponse, StatusCounts } from './dashboard-types.js';
import { addDays, dayRange } from './day-math.js';
import { periodKey, periodsQuery, toPeriodFigures } from '../mart/queries/read-periods.js';
import { statusesQuery, toStatusRows, type StatusRow } from '../mart/queries/read-statuses.js';
import { runQueries, sqlBuilder } from '../mart/queries/sql-builder.js';
import { statusPoint } from './status-point.js';

export const BOARD_PARAMS = ['date', 'window', 'entity'] as const;
const SPARK_DAYS = 90;
const STATUS_LETTERS: Record<string, string> = { red: 'r', yellow: 'y', green: 'g', grey: 's', expected: 'e' };

function rounded(value: number | null, digits: number): number | null {
  return value === null ? null : Number(value.toPrecision(digits));
}

/** The board: every KPI of one entity on one as-of date in one window, with counts, period figures and 90-day sparklines. */
export async function readBoard(connection: Connection, context: DashboardContext, params: Map<string, string>): Promise<BoardResponse> {
  const { catalog, tables, currency } = context;
  const date = checkDate(params.get('date'), context.version);
  const window = checkWindow(params.get('window'), catalog.windows);
  const entity = checkEntity(params.get('entity'), catalog.entities);
  const sparkDates = dayRange(addDays(date, -(SPARK_DAYS - 1)), date);
  const kpiIds = catalog.kpis.map((kpi) => kpi.id);
  const knex = await sqlBuilder();
  const [sparkRows, todayRows, periodRows] = await runQueries(connection, [
    statusesQuery(knex, tables, { from: sparkDates[0], to: date, kpiIds, entityIds: [entity.id], windows: [window], sparkOnly: true }),
    statusesQuery(knex, tables, { from: date, to: date, kpiIds, entityIds: [entity.id], windows: [window] }),
    periodsQuery(knex, tables, { date, entityId: entity.id }),
  ]);
  const rows = toStatusRows(sparkRows);
  const today = new Map(toStatusRows(todayRows).map((row) => [row.kpiId, row]));
  const periods = toPeriodFigures(periodRows);
  const byKpi = new Map<number, Map<string, StatusRow>>();
  for (const row of rows) {
    const days = byKpi.get(row.kpiId) ?? new Map<string, StatusRow>();
    days.set(row.date, row);
    byKpi.set(row.kpiId, days);
  }
  const counts: StatusCounts = { red: 0, yellow: 0, green: 0, grey: 0 };
  const sections = new Map<string, BoardCard[]>();
  for (const kpi of catalog.kpis) {
    const days = byKpi.get(kpi.id) ?? new Map<string, StatusRow>();
    const point = statusPoint(today.get(kpi.id), kpi, currency);
    if (point.status in counts) counts[point.status as keyof StatusCounts] += 1;
    const series = sparkDates.map((day) => days.get(day));
    const card: BoardCard = {
      kpi,
      point,
      periods: periods.get(periodKey(kpi.id, entity.id)) ?? null,
      spark: {
        values: series.map((row) => rounded(row?.value ?? null, 5)),
        lower: series.map((row) => rounded(row?.lower ?? null, 4)),
        upper: series.map((row) => rounded(row?.upper ?? null, 4)),
        statuses: series.map((row) => STATUS_LETTERS[row?.status ?? ''] ?? (row ? '?' : '-')).join(''),
      },
    };
    sections.set(kpi.section, [...(sections.get(kpi.section) ?? []), card]);
  }
  return {
    date,
    window,
    entity,
    counts,
    sparkDates,
    sections: [...sections].map(([name, cards]) => ({ name, cards })),
    dataVersion: context.version.version,
  };
}
