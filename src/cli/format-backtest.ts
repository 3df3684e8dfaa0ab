import type { BacktestResult } from '../api/alerts-backtest.js';
import type { Score } from '../mart/backtest-score.js';
import { KpiError } from '../errors.js';
import { formatTable } from './format-table.js';

export const BACKTEST_FORMATS = ['table', 'json', 'markdown'] as const;
export type BacktestFormat = (typeof BACKTEST_FORMATS)[number];

export function backtestFormat(text: string): BacktestFormat {
  if ((BACKTEST_FORMATS as readonly string[]).includes(text)) return text as BacktestFormat;
  throw new KpiError('KPI_USAGE', `--format takes ${BACKTEST_FORMATS.join(', ')}, got '${text}'`);
}

const percent = (value: number | null) => (value === null ? '' : `${(100 * value).toFixed(value < 0.1 ? 2 : 1)}%`);
const decimal = (value: number | null, digits = 2) => (value === null ? '' : value.toFixed(digits));

function figures(score: Score): Record<string, string> {
  return {
    incidents: String(score.incidents),
    recall: percent(score.recall),
    precision: percent(score.precision),
    'days to detect': decimal(score.meanDaysToDetect, 1),
    'false reds': String(score.falseReds),
    'false red rate': percent(score.falseRedRate),
    'false reds/month': decimal(score.falseRedsPerMonth),
    'false yellows/month': decimal(score.falseYellowsPerMonth),
  };
}

const FIGURES = ['incidents', 'recall', 'precision', 'days to detect', 'false reds', 'false red rate', 'false reds/month', 'false yellows/month'];

function markdownTable(columns: readonly string[], rows: ReadonlyArray<Record<string, string>>): string {
  const line = (values: readonly string[]) => `| ${values.join(' | ')} |`;
  return `${[line(columns), line(columns.map(() => '---')), ...rows.map((row) => line(columns.map((column) => row[column] ?? '')))].join('\n')}\n`;
}

/**
 * The backtest as people read it: with one run, per KPI (worst series beside the sum) and
 * the incidents; with several, the trade-off (one line a setting), then per KPI and setting.
 */
export function formatBacktest(result: BacktestResult, format: BacktestFormat): string {
  if (format === 'json') return `${JSON.stringify(result, null, 2)}\n`;
  const table = format === 'markdown' ? markdownTable : formatTable;
  const heading = (text: string) => (format === 'markdown' ? `### ${text}\n\n` : `${text}\n`);
  const parts: string[] = [];
  parts.push(heading(`Backtest against ${result.labels} (a Red within ${result.detectWithinDays} day(s) of an incident detects it)`));
  const several = result.runs.length > 1;
  if (several) {
    const rows = result.runs.map((run) => ({
      setting: run.label,
      ...figures(run.overall),
      'worst series false reds/month': decimal(Math.max(...run.kpis.map((kpi) => kpi.worstFalseRedsPerMonth ?? 0))),
    }));
    parts.push(heading('Trade-off, all KPIs, entities and windows'), table(['setting', ...FIGURES, 'worst series false reds/month'], rows), '\n');
  }
  const kpiRows = result.runs.flatMap((run) =>
    run.kpis.map((kpi) => ({
      ...(several ? { setting: run.label } : {}),
      kpi: kpi.kpiCode,
      ...figures(kpi),
      'worst series false red rate': percent(kpi.worstFalseRedRate),
      'worst series false reds/month': decimal(kpi.worstFalseRedsPerMonth),
    })),
  );
  const overall = result.runs[0].overall;
  if (!several) kpiRows.push({ kpi: 'all', ...figures(overall), 'worst series false red rate': '', 'worst series false reds/month': '' });
  parts.push(heading('Per KPI (entities and windows added up; worst = the worst entity × window)'));
  parts.push(table([...(several ? ['setting'] : []), 'kpi', ...FIGURES, 'worst series false red rate', 'worst series false reds/month'], kpiRows), '\n');
  const incidents = result.runs[0].incidents.map((incident) => ({
    date: incident.date,
    kpi: incident.kpiCode,
    entity: String(incident.entityId),
    window: `${incident.windowDays}d`,
    'status on the day': incident.statusOnDay ?? '',
    detected: incident.daysToDetect === null ? 'missed' : `after ${incident.daysToDetect} day(s)`,
  }));
  parts.push(heading(`Incidents (${result.runs[0].label})`), table(['date', 'kpi', 'entity', 'window', 'status on the day', 'detected'], incidents));
  if (result.proposalYaml) parts.push('\n', format === 'markdown' ? `\`\`\`yaml\n${result.proposalYaml}\`\`\`\n` : result.proposalYaml);
  return parts.join('');
}
