import type { StatusPoint } from './dashboard-types.js';
import type { KpiInfo } from '../mart/mart-types.js';
import { describeStatus } from '../mart/describe-status.js';
import type { StatusRow } from '../mart/queries/read-statuses.js';

export function statusPoint(row: StatusRow | undefined, kpi: KpiInfo, currency: string): StatusPoint {
  if (!row) return { status: 'grey', value: null, lower: null, upper: null, signals: '', countedSignals: '', reason: 'Not scored on this day.' };
  return {
    status: row.status,
    value: row.value,
    lower: row.lower,
    upper: row.upper,
    signals: row.signals,
    countedSignals: row.countedSignals,
    reason: describeStatus(row, kpi, currency),
  };
}
