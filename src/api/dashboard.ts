import { join, relative, resolve } from 'node:path';
import { BacktestResults } from '../dashboard/backtest-results.js';
import { DashboardSource } from '../dashboard/dashboard-source.js';
import { serveDashboard, type DashboardServer } from '../dashboard/dashboard-server.js';
import { BACKTEST_RESULTS_FILE } from '../mart/backtest-artifact.js';
import { resolveMartTables } from '../mart/queries/mart-tables.js';
import { writeReport } from '../dashboard/write-report.js';
import { KpiError } from '../errors.js';
import { ManifestIndex } from '../project/manifest-index.js';
import { writeText } from '../support/write-file.js';
import { currencyUnit } from './mart-vars.js';
import { emitter, parse, usingDatabase, type DatabaseOptions, type ProjectOptions } from './project.js';

export interface DashboardOptions extends ProjectOptions, DatabaseOptions {
  /** Address to listen on (default 127.0.0.1: this machine only). */
  host?: string;
  /** Port (default 8180; 0 lets the system choose). */
  port?: number;
  /** Serving stops when this aborts (the CLI aborts on SIGINT and SIGTERM). Needed unless `out` is given. */
  signal?: AbortSignal;
  onListening?: (server: DashboardServer & { database: 'pglite' | 'postgres' }) => void;
  /** Seconds between an open page's checks for a new build (default 30). */
  pollSeconds?: number;
  /** Write a static report to this file instead of serving. */
  out?: string;
  /** The report's as-of date, first window and entity. */
  date?: string;
  window?: number;
  entity?: string;
}

export type DashboardOutcome = { kind: 'served'; server: DashboardServer } | { kind: 'report'; path: string; bytes: number; date: string; window: number; entity: string; kpis: number };

/**
 * `kpi dashboard`: the KPI mart in a browser, read-only, on this machine (or, with `out`,
 * as one self-contained HTML report). Reads the target's mart tables; takes no run lock.
 * On the embedded database the dashboard holds it while serving (PGlite is one process's):
 * start `kpi serve` first to build while the dashboard is open.
 */
export async function dashboard(options: DashboardOptions): Promise<DashboardOutcome> {
  if (options.out === undefined && !options.signal) throw new KpiError('KPI_USAGE', 'dashboard() needs a signal to stop serving, or out to write a report');
  if (options.window !== undefined && (!Number.isInteger(options.window) || options.window < 1)) {
    throw new KpiError('KPI_USAGE', `--window must be a whole number of days, got ${String(options.window)}`, { hint: 'the KPI mart scores windows of 7, 30 and 60 days' });
  }
  const parsed = await parse(options);
  const tables = resolveMartTables(new ManifestIndex(parsed.manifest), parsed.loaded.target.schema);
  const currency = currencyUnit({ cliVars: parsed.loaded.cliVars, projectVars: parsed.loaded.config.vars, project: parsed.loaded.config.name });
  return usingDatabase(parsed.loaded, { ...options, lock: false, emit: emitter(options) }, async (adapter): Promise<DashboardOutcome> => {
    const backtestPath = join(parsed.targetDir, BACKTEST_RESULTS_FILE);
    const backtest = new BacktestResults(backtestPath, relative(parsed.loaded.config.projectDir, backtestPath) || backtestPath);
    const source = new DashboardSource(adapter, tables, currency, backtest);
    if (options.out !== undefined) {
      const report = await writeReport(source, { date: options.date, window: options.window, entity: options.entity, now: parsed.now });
      const path = resolve(options.out);
      writeText(path, report.html);
      return { kind: 'report', path, bytes: Buffer.byteLength(report.html), date: report.date, window: report.window, entity: report.entity, kpis: report.kpis };
    }
    const server = await serveDashboard(source, {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 8180,
      signal: options.signal as AbortSignal,
      pollSeconds: options.pollSeconds,
      onListening: (info) => options.onListening?.({ ...info, database: adapter.type }),
    });
    return { kind: 'served', server };
  });
}
