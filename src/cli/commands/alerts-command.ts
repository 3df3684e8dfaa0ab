import type { Command } from 'commander';
import { api } from '../lazy-api.js';
import { KpiError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';
import { backtestFormat, formatBacktest } from '../format-backtest.js';
import { boardFormat, formatBoard } from '../format-board.js';
import { webhookReport } from '../webhook-report.js';

interface AlertsFlags {
  window: string;
  date?: string;
  status?: string[];
  entity?: string[];
  format: string;
  failOn?: string;
  webhook?: string;
  webhookTimeout: string;
  dryRun?: boolean;
  servingTable?: string;
  historyTable?: string;
  dashboardUrl?: string;
}

function number(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new KpiError('KPI_USAGE', `${flag} must be a number, got '${text}'`);
  return value;
}

/** `kpi alerts`: print the board; exit 1 when --fail-on trips or the webhook fails, 2 on usage errors. */
export function registerAlerts(program: Command, cli: CliContext): void {
  const alertsCommand = program
    .command('alerts')
    .description('the KPI status board; --fail-on for schedulers, --webhook to post status changes')
    .option('-w, --window <days>', 'rolling window in days', '7')
    .option('--date <YYYY-MM-DD>', 'as-of date (default: the latest)')
    .option('--status <statuses...>', 'only these statuses: red,yellow,grey,green')
    .option('--entity <entities...>', 'only these entities: a code (ALL), a name or an id')
    .option('--format <format>', 'table, json, csv or markdown', 'table')
    .option('--fail-on <status>', 'exit 1 when a shown KPI is at this status or worse: red or yellow')
    .option('--webhook <url>', 'post the KPIs whose status changed (Slack-compatible JSON)')
    .option('--webhook-timeout <seconds>', 'how long one POST may take', '10')
    .option('--dry-run', 'print the webhook message instead of posting it')
    .option('--serving-table <name>', 'the serving table', 'kpi_serving')
    .option('--history-table <name>', 'the status history table', 'kpi_status_history')
    .option('--dashboard-url <url>', 'where kpi dashboard answers, for the links (default: the var dashboard_url, else http://127.0.0.1:8180)')
    .action((flags: AlertsFlags) =>
      cli.run(async () => {
        const { alerts } = await api();
        const format = boardFormat(flags.format);
        const timeoutSeconds = number('--webhook-timeout', flags.webhookTimeout);
        if (timeoutSeconds <= 0) throw new KpiError('KPI_USAGE', `--webhook-timeout must be above 0 seconds, got ${flags.webhookTimeout}`);
        const result = await alerts({
          ...cli.projectOptions(),
          window: number('--window', flags.window),
          date: flags.date,
          statuses: flags.status,
          entities: flags.entity,
          failOn: flags.failOn,
          webhook: flags.webhook,
          dryRun: flags.dryRun,
          servingTable: flags.servingTable,
          historyTable: flags.historyTable,
          dashboardUrl: flags.dashboardUrl,
          webhookOptions: { timeoutMs: timeoutSeconds * 1000 },
        });
        cli.out.write(formatBoard(result, format));
        const report = webhookReport(result.webhook);
        cli.err.write(report.err);
        cli.out.write(report.out);
        if (result.webhook?.error) throw result.webhook.error;
        return result.failed ? 1 : 0;
      }),
    );
  registerBacktest(alertsCommand, cli);
}

interface BacktestFlags {
  k?: string;
  set?: string[];
  budget?: string;
  labels?: string;
  format: string;
}

const list = (text: string) => text.split(',').map((value) => value.trim());

/** `kpi alerts backtest`: score the statuses over the history against labelled incidents. */
function registerBacktest(alertsCommand: Command, cli: CliContext): void {
  alertsCommand
    .command('backtest')
    .description('score the statuses over the history against labelled incidents: precision, recall, days to detect, false alerts a month')
    .option('--k <values>', 'recompute the statuses for each k (comma-separated: 1.5,2,2.5,3)')
    .option('--set <setting=values...>', 'recompute for each value of another setting: z_score_lim=3,4 policy.red=2,3 baseline=all_days,without_outliers')
    .option('--budget <n>', 'propose per-KPI settings keeping false Reds under n a month (YAML for config/thresholds.yml)')
    .option('--labels <table>', 'the labelled incidents (default: backtest.labels in the thresholds file)')
    .option('--format <format>', 'table, json or markdown', 'table')
    .action((flags: BacktestFlags) =>
      cli.run(async () => {
        const { alertsBacktest } = await api();
        // kpi alerts has a --format too, and commander hands it the flag wherever it is written.
        const format = backtestFormat(alertsCommand.getOptionValueSource('format') === 'cli' ? String(alertsCommand.opts().format) : flags.format);
        const vary: Record<string, string[]> = {};
        if (flags.k !== undefined) vary.k = list(flags.k);
        for (const entry of flags.set ?? []) {
          const equals = entry.indexOf('=');
          if (equals <= 0) throw new KpiError('KPI_USAGE', `--set takes setting=values, got '${entry}'`);
          vary[entry.slice(0, equals).trim()] = list(entry.slice(equals + 1));
        }
        const result = await alertsBacktest({
          ...cli.projectOptions(),
          vary,
          budget: flags.budget === undefined ? undefined : number('--budget', flags.budget),
          labels: flags.labels,
        });
        cli.out.write(formatBacktest(result, format));
        return 0;
      }),
    );
}
