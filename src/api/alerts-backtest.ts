import { join } from 'node:path';
import { compileNode } from '../compile/compile-node.js';
import { incidentsQuery, seriesCountsQuery } from '../alerts/backtest/backtest-query.js';
import type { BacktestRun, BacktestTables, IncidentOutcome, SeriesCounts } from '../alerts/backtest/backtest-types.js';
import { proposalYaml, proposeSettings } from '../alerts/backtest/propose-settings.js';
import type { Proposal } from '../mart/backtest-score.js';
import { score, scoreKpis, scoreSeries } from '../alerts/backtest/score-series.js';
import { resolveTableName } from '../alerts/resolve-table-name.js';
import { tableText, type TableName } from '../alerts/types.js';
import type { Connection } from '../adapters/adapter.js';
import { KpiError } from '../errors.js';
import { BACKTEST_RESULTS_FILE, buildBacktestArtifact } from '../mart/backtest-artifact.js';
import { resolveMartTables } from '../mart/queries/mart-tables.js';
import { ManifestIndex } from '../project/manifest-index.js';
import { writeJson } from '../support/write-file.js';
import { loadBacktestSettings } from '../thresholds/load-kpi-thresholds.js';
import { overrideKpiThresholds, parseSettingOverride, type SettingOverride } from '../thresholds/override-settings.js';
import type { KpiThresholds } from '../thresholds/threshold-settings.js';
import { compileSession, parse, usingDatabase, type DatabaseOptions, type ParsedProject, type ProjectOptions } from './project.js';

/** More settings than this in one backtest is a typo (each recomputes every status of the history). */
const MAX_RUNS = 24;

export interface BacktestOptions extends ProjectOptions, DatabaseOptions {
  /** Settings to vary, each over its values (`{ k: ['1.5', '2', '3'] }`): every combination is one run. */
  vary?: Record<string, string[]>;
  /** Propose per-KPI settings that keep false Reds a month under this, from the runs. */
  budget?: number;
  /** The labelled incidents (default: `backtest.labels` of the thresholds file, else demo_anomalies). */
  labels?: string;
}

export interface BacktestResult {
  labels: string;
  detectWithinDays: number;
  /** The current statuses (kpi_thresholds as built) first, then one run per combination of `vary`. */
  runs: BacktestRun[];
  proposals: Proposal[] | null;
  proposalYaml: string | null;
}

function combinations(vary: Record<string, string[]>): SettingOverride[][] {
  let result: SettingOverride[][] = [[]];
  for (const [key, values] of Object.entries(vary)) {
    if (values.length === 0) throw new KpiError('KPI_USAGE', `--${key.replace(/_/g, '-')} needs at least one value`);
    const parsed = values.map((value) => parseSettingOverride(key, value));
    result = result.flatMap((prefix) => parsed.map((override) => [...prefix, override]));
  }
  return result;
}

async function scoreStatuses(connection: Connection, tables: BacktestTables, rules: { labelDateColumn: string; detectWithinDays: number }) {
  const series = await connection.query<Record<string, number | string>>(seriesCountsQuery(tables, rules));
  const counts: SeriesCounts[] = series.rows.map((row) => ({
    kpiId: Number(row.kpi_id),
    kpiCode: String(row.kpi_code),
    entityId: Number(row.entity_id),
    windowDays: Number(row.window_days),
    quietDays: Number(row.quiet_days),
    falseReds: Number(row.false_reds),
    falseYellows: Number(row.false_yellows),
    trueReds: Number(row.true_reds),
    otherReds: Number(row.other_reds),
    incidents: Number(row.incidents),
    detected: Number(row.detected),
    daysToDetect: Number(row.days_to_detect),
  }));
  const incidents = await connection.query<Record<string, unknown>>(incidentsQuery(tables, rules));
  const outcomes: IncidentOutcome[] = incidents.rows.map((row) => ({
    kpiCode: String(row.kpi_code),
    entityId: Number(row.entity_id),
    windowDays: Number(row.window_days),
    date: String(row.incident_date),
    statusOnDay: row.status_on_day === null ? null : String(row.status_on_day),
    daysToDetect: row.days_to_detect === null ? null : Number(row.days_to_detect),
  }));
  return { overall: score(counts), kpis: scoreKpis(counts), series: scoreSeries(counts), incidents: outcomes };
}

/**
 * Recompute every status of the history with `overrides` laid over each KPI's settings:
 * kpi_threshold_config and kpi_thresholds compiled as a full build and run into temporary
 * tables, the second reading the first. The project's own tables are not touched.
 */
async function recompute(connection: Connection, parsed: ParsedProject, index: ManifestIndex, overrides: SettingOverride[]): Promise<TableName> {
  const current = (parsed.templateGlobals.kpi_thresholds ?? []) as KpiThresholds[];
  const session = compileSession({ ...parsed, templateGlobals: { ...parsed.templateGlobals, kpi_thresholds: overrideKpiThresholds(current, overrides) } }, { fullRefresh: true });
  const configNode = index.ref('kpi_threshold_config', null);
  const thresholdsNode = index.ref('kpi_thresholds', null);
  if (!configNode || !thresholdsNode) throw new KpiError('KPI_REF_NOT_FOUND', 'kpi alerts backtest needs the models kpi_threshold_config and kpi_thresholds to recompute statuses');
  const configSql = await compileNode(session, configNode, { connection });
  const thresholdsSql = (await compileNode(session, thresholdsNode, { connection })).split(configNode.relation_name ?? '\u0000').join('pg_temp.kpi_backtest_config');
  await connection.execute(
    [
      'set jit = off',
      'drop table if exists pg_temp.kpi_backtest_config',
      'drop table if exists pg_temp.kpi_backtest_statuses',
      `create temporary table kpi_backtest_config as\n${configSql}`,
      `create temporary table kpi_backtest_statuses as\n${thresholdsSql}`,
    ].join(';\n'),
  );
  return { schema: 'pg_temp', identifier: 'kpi_backtest_statuses' };
}

/**
 * `kpi alerts backtest`: the statuses over the whole history scored against labelled
 * incidents — precision, recall, days to detect, false Reds and Yellows a month, per KPI,
 * entity and window and overall; for other settings (`vary`), recomputed in the database
 * first; with a budget, the per-KPI settings that keep false Reds under it. Writes
 * target/backtest_results.json (mart/backtest-artifact.ts), which the dashboard reads.
 */
export async function alertsBacktest(options: BacktestOptions = {}): Promise<BacktestResult> {
  const parsed = await parse(options);
  const settings = loadBacktestSettings(parsed.loaded);
  const index = new ManifestIndex(parsed.manifest);
  const schema = parsed.loaded.target.schema;
  const mart = resolveMartTables(index, schema);
  const labels = resolveTableName(index, options.labels ?? settings.labels, schema);
  const variants = options.vary && Object.keys(options.vary).length > 0 ? combinations(options.vary) : [];
  if (variants.length > MAX_RUNS) throw new KpiError('KPI_USAGE', `${variants.length} settings to try; at most ${MAX_RUNS} in one backtest`, { hint: 'try fewer values, or fewer settings at once' });
  if (options.budget !== undefined && !(options.budget >= 0)) throw new KpiError('KPI_USAGE', `--budget must be a number of false Reds a month, at least 0, got ${options.budget}`);
  const rules = { labelDateColumn: settings.label_date_column, detectWithinDays: settings.detect_within_days };
  const runs = await usingDatabase(parsed.loaded, { ...options, lock: false, emit: parsed.emit }, (adapter) =>
    adapter.withConnection(async (connection) => {
      const tables = (statuses: TableName): BacktestTables => ({ statuses, labels, dimKpi: mart.dimKpi, dimEntity: mart.dimEntity });
      const done: BacktestRun[] = [{ label: 'current', overrides: [], ...(await scoreStatuses(connection, tables(mart.thresholds), rules)) }];
      for (const overrides of variants) {
        const statuses = await recompute(connection, parsed, index, overrides);
        const label = overrides.map(({ key, value }) => `${key}=${String(value)}`).join(' ');
        done.push({ label, overrides, ...(await scoreStatuses(connection, tables(statuses), rules)) });
      }
      return done;
    }),
  );
  const proposals = options.budget === undefined ? null : proposeSettings(runs, options.budget);
  const result: BacktestResult = {
    labels: tableText(labels),
    detectWithinDays: rules.detectWithinDays,
    runs,
    proposals,
    proposalYaml: proposals && options.budget !== undefined ? proposalYaml(proposals, options.budget) : null,
  };
  // Every run leaves its figures in target/, as a build leaves run_results.json: the dashboard draws them (a recomputation is too slow for a request).
  const artifact = buildBacktestArtifact({
    ...result,
    vary: options.vary ?? {},
    budget: options.budget ?? null,
    invocationId: parsed.invocationId,
    now: new Date(),
  });
  writeJson(join(parsed.targetDir, BACKTEST_RESULTS_FILE), artifact);
  return result;
}
