/**
 * The programmatic entry points. The CLI is a thin layer over these, and tests call them
 * directly. Each takes plain options and returns plain data; events go to `onEvent`.
 */
export { parse, select, usingDatabase, compileSession, type ParsedProject, type ProjectOptions, type SelectionOptions, type DatabaseOptions } from './api/project.js';
export { execute, run, build, seed, snapshot, type RunOptions, type RunSummary } from './api/execute.js';
export { retry, type RetryOptions } from './api/retry.js';
export { clean } from './api/clean.js';
export { init, type InitOptions, type InitResult } from './api/init.js';
export { deps } from './api/deps.js';
export { runOperation, type RunOperationOptions, type RunOperationResult } from './api/run-operation.js';
export type { RunEvent, NodeResult } from './execution/types.js';
export { KpiError } from './errors.js';
export { compile, type CompiledNode, type CompileOptions } from './api/compile.js';
export { show, type ShowOptions, type ShowResult } from './api/show.js';
export { list, type ListOptions, type ListOutput } from './api/list.js';
export type { SelectableType } from './graph/select-nodes.js';
export { debug, type DebugReport } from './api/debug.js';
export { sourceFreshness, type FreshnessOptions, type FreshnessSummary } from './api/source-freshness.js';
export { alerts, type AlertsOptions, type AlertsResult, type WebhookOutcome } from './api/alerts.js';
export { alertsBacktest, type BacktestOptions, type BacktestResult } from './api/alerts-backtest.js';
export { serve, serverUrl, stopServer, type ServeOptions, type ForegroundServeOptions, type ServeOutcome, type ServerUrl } from './api/serve.js';
export { docsGenerate, docsServe, type DocsGenerateOptions, type DocsGenerateResult, type DocsServeOptions } from './api/docs.js';
export { dashboard, type DashboardOptions, type DashboardOutcome } from './api/dashboard.js';
