import type { Connection } from '../adapters/adapter.js';
import { checkDate, checkEntity, checkWindow } from './check-params.js';
import type { DashboardContext } from './dashboard-context.js';
import type { BoardCard, BoardResponse, StatusCounts } from './dashboard-types.js';
import { addDays, dayRange } from './day-math.js';
import { periodKey, periodsQuery, toPeriodFigures } from '../mart/queries/read-periods.js';
import { statusesQuery, toStatusRows } from '../mart/queries/read-statuses.js';
import { runQueries, sqlBuilder } from '../mart/queries/sql-builder.js';
import { statusPoint } from './status-point.js';
import { sparklinesQuery, toSparklineRows, type SparklineRow } from './queries/read-sparklines.js';

export const BOARD_PARAMS = ['date', 'window', 'entity'] as const;
const SPARK_DAYS = 90;
const STATUS_LETTERS: Record<string, string> = { red: 'r', yellow: 'y', green: 'g', grey: 's', expected: 'e' };

function rounded(value: number | null, digits: number): number | null {
  return value === null ? null : Number(value.toPrecision(digits));
}

/** A KPI's sparkline on the board's days: rounded figures, a letter a day for its status ('-' where the day has no row). */
function sparkline(row: SparklineRow | undefined, days: number): BoardCard['spark'] {
  const values = new Array<number | null>(days).fill(null);
  const lower = new Array<number | null>(days).fill(null);
  const upper = new Array<number | null>(days).fill(null);
  const statuses = new Array<string>(days).fill('-');
  row?.offsets.forEach((day, index) => {
    if (day < 0 || day >= days) return;
    values[day] = rounded(row.values[index], 5);
    lower[day] = rounded(row.lower[index], 4);
    upper[day] = rounded(row.upper[index], 4);
    statuses[day] = STATUS_LETTERS[(row.statuses[index] ?? '').trim().toLowerCase()] ?? '?';
  });
  return { values, lower, upper, statuses: statuses.join('') };
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
    sparklinesQuery(knex, tables, { from: sparkDates[0], to: date, kpiIds, entityId: entity.id, window }),
    statusesQuery(knex, tables, { from: date, to: date, kpiIds, entityIds: [entity.id], windows: [window] }),
    periodsQuery(knex, tables, { date, entityId: entity.id }),
  ]);
  const sparklines = new Map(toSparklineRows(sparkRows).map((row) => [row.kpiId, row]));
  const today = new Map(toStatusRows(todayRows).map((row) => [row.kpiId, row]));
  const periods = toPeriodFigures(periodRows);
  const counts: StatusCounts = { red: 0, yellow: 0, green: 0, grey: 0, expected: 0 };
  const sections = new Map<string, BoardCard[]>();
  for (const kpi of catalog.kpis) {
    const point = statusPoint(today.get(kpi.id), kpi, currency);
    if (point.status in counts) counts[point.status as keyof StatusCounts] += 1;
    const card: BoardCard = {
      kpi,
      point,
      periods: periods.get(periodKey(kpi.id, entity.id)) ?? null,
      spark: sparkline(sparklines.get(kpi.id), sparkDates.length),
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
