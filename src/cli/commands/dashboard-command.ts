import type { Command } from 'commander';
import { dashboard } from '../../api.js';
import { KpiError } from '../../errors.js';
import type { CliContext } from '../cli-context.js';

interface DashboardFlags {
  port: string;
  host: string;
  out?: string;
  date?: string;
  window?: string;
  entity?: string;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function whole(flag: string, text: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > max) throw new KpiError('KPI_USAGE', `${flag} must be a whole number from 0 to ${max}, got '${text}'`);
  return value;
}

/** `kpi dashboard`: serve the KPI dashboard on this machine, or write it as one HTML report with --out. */
export function registerDashboard(program: Command, cli: CliContext): void {
  program
    .command('dashboard')
    .description('the KPI dashboard in a browser (read-only), or --out FILE for a static HTML report')
    .option('--port <n>', 'port to listen on', '8180')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--out <file>', 'write the board and KPI pages to one self-contained HTML file instead of serving')
    .option('--date <YYYY-MM-DD>', 'the as-of date (default: the latest)')
    .option('-w, --window <days>', 'the window shown first: 7, 30 or 60')
    .option('--entity <code>', 'the entity, by code or id (default ALL)')
    .action((flags: DashboardFlags) =>
      cli.run(async () => {
        const controller = new AbortController();
        const abort = () => controller.abort();
        for (const signal of STOP_SIGNALS) process.once(signal, abort);
        try {
          const outcome = await dashboard({
            ...cli.projectOptions(),
            ...{ host: flags.host, port: whole('--port', flags.port, 65535), out: flags.out, date: flags.date, entity: flags.entity },
            window: flags.window === undefined ? undefined : whole('--window', flags.window, 3660),
            signal: controller.signal,
            onListening: (server) => {
              const query = new URLSearchParams(Object.entries({ window: flags.window, entity: flags.entity, date: flags.date }).filter((entry): entry is [string, string] => entry[1] !== undefined));
              cli.out.write(`KPI dashboard at ${server.url}${query.size > 0 ? `?${query}` : ''} (metrics at ${server.url}metrics; Ctrl+C stops)\n`);
              if (server.database === 'pglite') cli.out.write('The dashboard holds the embedded database while it runs: start `kpi serve` first to build while it is open.\n');
            },
          });
          if (outcome.kind === 'report') cli.out.write(`Report written to ${outcome.path} (${outcome.kpis} KPIs, ${outcome.entity}, as of ${outcome.date}, ${Math.round(outcome.bytes / 1024)} kB)\n`);
          return 0;
        } finally {
          for (const signal of STOP_SIGNALS) process.off(signal, abort);
        }
      }),
    );
}
