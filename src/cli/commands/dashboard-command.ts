import type { Command } from 'commander';
import { api } from '../lazy-api.js';
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

function whole(flag: string, text: string | undefined, max: number): number | undefined {
  if (text !== undefined && (!/^\d+$/.test(text) || Number(text) > max)) throw new KpiError('KPI_USAGE', `${flag} must be a whole number from 0 to ${max}, got '${text}'`);
  return text === undefined ? undefined : Number(text);
}

/** `kpi dashboard`: serve the KPI dashboard on this machine until Ctrl+C, or write it as one HTML report with --out. */
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
        const { out, date, entity } = flags;
        const [port, window] = [whole('--port', flags.port, 65535), whole('--window', flags.window, 3660)];
        const stop = new AbortController();
        const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
        const abort = () => stop.abort();
        for (const signal of signals) process.once(signal, abort);
        try {
          const { dashboard } = await api();
          const outcome = await dashboard({
            ...cli.projectOptions(),
            host: flags.host,
            port,
            out,
            date,
            window,
            entity,
            signal: stop.signal,
            onListening: (server) => {
              const query = new URLSearchParams(Object.entries({ window: flags.window, entity, date }).filter((pair): pair is [string, string] => pair[1] !== undefined)).toString();
              cli.out.write(`KPI dashboard at ${server.url}${query ? `?${query}` : ''} (metrics at ${server.url}metrics; Ctrl+C stops)\n`);
              if (server.database === 'pglite') cli.out.write('It holds the embedded database while it runs: start `kpi serve` first to build while it is open.\n');
            },
          });
          if (outcome.kind === 'report') cli.out.write(`Report written to ${outcome.path} (${outcome.kpis} KPIs, ${outcome.entity}, as of ${outcome.date}, ${Math.round(outcome.bytes / 1024)} kB)\n`);
          return 0;
        } finally {
          for (const signal of signals) process.off(signal, abort);
        }
      }),
    );
}
