import { entityLabel, kpiLabel } from '../alerts/slack-message.js';
import { countsText } from '../alerts/status-counts.js';
import { BOARD_COLUMNS, type DescribedRow } from '../alerts/types.js';
import { formatChange } from '../mart/format-value.js';
import type { AlertsResult } from '../api/alerts.js';
import { KpiError } from '../errors.js';
import { formatTable } from './format-table.js';

export const BOARD_FORMATS = ['table', 'json', 'csv', 'markdown'] as const;
export type BoardFormat = (typeof BOARD_FORMATS)[number];

const MARKS: Record<string, string> = { red: '🔴', yellow: '🟡', green: '🟢', grey: '⚪', expected: '📅' };

/** `--format`, checked before anything is read or posted. */
export function boardFormat(text: string): BoardFormat {
  if ((BOARD_FORMATS as readonly string[]).includes(text)) return text as BoardFormat;
  throw new KpiError('KPI_USAGE', `--format takes ${BOARD_FORMATS.join(', ')}, got '${text}'`);
}

/** The columns people read, in their words; json and csv carry every column. */
function readable(row: DescribedRow): Record<string, string> {
  const change = (fraction: number | null) => (fraction === null ? '' : formatChange(fraction));
  return {
    status: row.status,
    kpi: kpiLabel(row),
    entity: entityLabel(row),
    value: row.value_text,
    expected: row.expected_text,
    'vs last year': change(row.day_change_pct),
    'month to date': row.mtd_text,
    'MTD vs last year': change(row.mtd_change_pct),
    why: row.description,
  };
}

const READABLE_COLUMNS = ['status', 'kpi', 'entity', 'value', 'expected', 'vs last year', 'month to date', 'MTD vs last year', 'why'];

function title(result: AlertsResult): string {
  const count = `${result.rows.length} ${result.rows.length === 1 ? 'KPI' : 'KPIs'}`;
  return `KPI board ${result.date}, ${result.window}-day window: ${count}, ${countsText(result.counts)} (${result.source})`;
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The board as text in one of the `--format`s. */
export function formatBoard(result: AlertsResult, format: BoardFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ as_of_date: result.date, window_days: result.window, source: result.source, counts: result.counts, rows: result.rows }, null, 2)}\n`;
    case 'csv':
      return [BOARD_COLUMNS.join(','), ...result.rows.map((row) => BOARD_COLUMNS.map((column) => csvCell(row[column])).join(','))].map((line) => `${line}\r\n`).join('');
    case 'markdown': {
      const lines = [`### ${title(result)}`, '', `| ${READABLE_COLUMNS.join(' | ')} |`, `|${READABLE_COLUMNS.map(() => ' --- |').join('')}`];
      for (const row of result.rows) {
        const cells = readable(row);
        cells.status = `${MARKS[row.status] ?? ''} ${row.status}`.trim();
        lines.push(`| ${READABLE_COLUMNS.map((column) => markdownCell(cells[column])).join(' | ')} |`);
      }
      return `${lines.join('\n')}\n`;
    }
    default:
      return `${title(result)}\n${formatTable(READABLE_COLUMNS, result.rows.map(readable))}`;
  }
}
