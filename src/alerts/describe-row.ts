import { describeStatus } from '../mart/describe-status.js';
import { formatValue } from '../mart/format-value.js';
import type { KpiInfo } from '../mart/mart-types.js';
import { periodKey } from '../mart/queries/read-periods.js';
import { formatNumber } from './format-number.js';
import type { BoardDescriptions } from './read-descriptions.js';
import type { BoardRow, DescribedRow } from './types.js';

export interface DescribeOptions {
  /** How currency KPIs are written: an ISO code (USD) or a symbol (£). */
  currency: string;
  /** Where `kpi dashboard` answers (http://127.0.0.1:8180): relative links are made absolute against it. */
  dashboardUrl: string;
}

function kpiInfo(row: BoardRow, descriptions: BoardDescriptions): KpiInfo {
  const described = descriptions.kpis.get(String(row.kpi_id));
  const code = row.kpi_code ?? described?.code ?? String(row.kpi_id);
  return {
    id: Number(row.kpi_id),
    code,
    name: row.kpi_name ?? described?.name ?? row.metric_key ?? code,
    section: row.section ?? 'Other',
    subcategory: row.subcategory,
    format: described?.format ?? 'number',
    direction: described?.direction ?? 'neutral',
    sortOrder: described?.sortOrder ?? Number(row.kpi_id),
    description: null,
  };
}

/** A link people can open: the serving table's own when absolute, else the dashboard's KPI page. */
function absoluteLink(row: BoardRow, kpi: KpiInfo, entityCode: string | null, base: string): string {
  if (row.link && /^https?:\/\//i.test(row.link)) return row.link;
  const root = base.replace(/\/+$/, '');
  if (row.link?.startsWith('/')) return `${root}${row.link}`;
  const query = new URLSearchParams({ entity: entityCode ?? String(row.entity_id), window: String(row.window_days), date: row.as_of_date });
  return `${root}/kpi/${encodeURIComponent(kpi.code)}?${query.toString()}`;
}

/** A board row in the executive's words (see DescribedRow). */
export function describeRow(row: BoardRow, descriptions: BoardDescriptions, options: DescribeOptions): DescribedRow {
  const kpi = kpiInfo(row, descriptions);
  const known = descriptions.kpis.get(String(row.kpi_id))?.format ?? null;
  const write = (value: number | null) => (known ? formatValue(value, known, options.currency) : formatNumber(value));
  const entity = descriptions.entities?.find((candidate) => candidate.id === String(row.entity_id)) ?? null;
  const periods = descriptions.periods.get(periodKey(Number(row.kpi_id), Number(row.entity_id))) ?? null;
  const status = {
    date: row.as_of_date,
    kpiId: kpi.id,
    entityId: Number(row.entity_id),
    window: row.window_days,
    value: row.value,
    lower: row.lower_threshold,
    upper: row.upper_threshold,
    zscore: row.seasonal_zscore,
    pctChange: row.pct_change,
    pctChangeVs: row.pct_change_vs,
    signals: row.signals ?? '',
    // A serving table without counted_signals: every signal it shows counted.
    countedSignals: row.counted_signals ?? row.signals ?? '',
    status: row.status,
    reason: row.reason,
  };
  return {
    ...row,
    kpi_code: kpi.code,
    kpi_name: kpi.name,
    entity_code: entity?.code ?? null,
    entity_name: entity?.name ?? null,
    value_text: row.value === null ? '' : write(row.value),
    expected_text: row.lower_threshold === null && row.upper_threshold === null ? '' : `${write(row.lower_threshold) || '–'} – ${write(row.upper_threshold) || '–'}`,
    description: describeStatus(status, kpi, options.currency),
    day_prior: periods?.day.prior ?? null,
    day_change_pct: periods?.day.deltaPct ?? null,
    mtd_value: periods?.mtd.value ?? null,
    mtd_text: periods?.mtd.value === null || periods?.mtd.value === undefined ? '' : write(periods.mtd.value),
    mtd_prior: periods?.mtd.prior ?? null,
    mtd_change_pct: periods?.mtd.deltaPct ?? null,
    link: absoluteLink(row, kpi, entity?.code ?? null, options.dashboardUrl),
  };
}
