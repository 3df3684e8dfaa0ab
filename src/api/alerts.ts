import { checkAlertsRequest, type AlertsRequest } from '../alerts/alerts-query.js';
import { changedStatuses } from '../alerts/changed-statuses.js';
import { postWebhook, type WebhookDelivery, type WebhookOptions } from '../alerts/post-webhook.js';
import { readBoard } from '../alerts/read-board.js';
import { readPreviousStatuses } from '../alerts/read-previous-statuses.js';
import { describeRow } from '../alerts/describe-row.js';
import { readDescriptions } from '../alerts/read-descriptions.js';
import { resolveEntities } from '../alerts/resolve-entities.js';
import { redactEndpoint } from '../alerts/redact-endpoint.js';
import { resolveTableName } from '../alerts/resolve-table-name.js';
import { slackMessage, type SlackMessage } from '../alerts/slack-message.js';
import { sortBoard } from '../alerts/sort-board.js';
import { isAtOrWorse, type FailOn } from '../alerts/status-order.js';
import { tableText, type DescribedRow, type StatusChange } from '../alerts/types.js';
import { KpiError } from '../errors.js';
import { ManifestIndex } from '../project/manifest-index.js';
import { resolveMartTables } from '../mart/queries/mart-tables.js';
import { currencyUnit, dashboardUrl } from './mart-vars.js';
import { parse, usingDatabase, type DatabaseOptions, type ProjectOptions } from './project.js';

export interface AlertsOptions extends ProjectOptions, DatabaseOptions, AlertsRequest {
  /** Timeout, attempts and backoff of the webhook POST. */
  webhookOptions?: WebhookOptions;
  /** Where `kpi dashboard` answers, for links (default: the project var dashboard_url, else http://127.0.0.1:8180). */
  dashboardUrl?: string;
}

/** What became of `--webhook` / `--dry-run`. */
export interface WebhookOutcome {
  /** The address with its secret part redacted; null for a dry run with no URL. */
  endpoint: string | null;
  dryRun: boolean;
  changes: StatusChange[];
  /** null when nothing changed: then nothing is posted. */
  payload: SlackMessage | null;
  delivery: WebhookDelivery | null;
  /** A failed POST (KPI_WEBHOOK_FAILED); the board is still returned. */
  error: KpiError | null;
}

export interface AlertsResult {
  date: string;
  window: number;
  /** The table the board was read from (the serving table, or the history for an earlier date). */
  source: string;
  /** Sorted by status severity, then KPI sort order; filtered by status and entity. */
  rows: DescribedRow[];
  /** How many shown rows have each status. */
  counts: Record<'red' | 'yellow' | 'green' | 'grey' | 'expected', number>;
  failOn: FailOn | null;
  /** Some shown KPI is at `failOn` or worse. */
  failed: boolean;
  webhook: WebhookOutcome | null;
}

/**
 * `kpi alerts`: the KPI status board of one as-of date and window, read from the target's
 * serving table (or status history); whether it should fail a scheduler; and, with a
 * webhook, a message listing only the KPIs whose status changed since their previous
 * as-of date. Reading never takes the run lock: a board can be read while a build runs.
 */
export async function alerts(options: AlertsOptions = {}): Promise<AlertsResult> {
  const query = checkAlertsRequest(options);
  const parsed = await parse(options);
  const index = new ManifestIndex(parsed.manifest);
  const schema = parsed.loaded.target.schema;
  const mart = resolveMartTables(index, schema);
  const tables = {
    serving: resolveTableName(index, query.servingTable, schema),
    history: resolveTableName(index, query.historyTable, schema),
  };
  const vars = { cliVars: parsed.loaded.cliVars, projectVars: parsed.loaded.config.vars, project: parsed.loaded.config.name };
  const describe = { currency: currencyUnit(vars), dashboardUrl: options.dashboardUrl ?? dashboardUrl(vars) };
  const notify = query.webhook !== null || query.dryRun;
  const read = await usingDatabase(parsed.loaded, { ...options, lock: false, emit: parsed.emit }, (adapter) =>
    adapter.withConnection(async (connection) => {
      const board = await readBoard(connection, tables, { date: query.date, window: query.window });
      const descriptions = await readDescriptions(connection, mart, board.date);
      const previous = notify ? await readPreviousStatuses(connection, tables.history, board.date, query.window) : null;
      return { board, descriptions, previous };
    }),
  );
  const entities = query.entities
    ? resolveEntities(
        query.entities,
        read.descriptions.entities,
        read.board.rows.map((row) => String(row.entity_id)),
      )
    : null;
  const shown = read.board.rows.filter((row) => (!query.statuses || query.statuses.has(row.status)) && (!entities || entities.has(String(row.entity_id))));
  const sortOrders = new Map([...read.descriptions.kpis].flatMap(([id, kpi]) => (kpi.sortOrder === null ? [] : [[id, kpi.sortOrder] as const])));
  const rows = sortBoard(shown, sortOrders).map((row) => describeRow(row, read.descriptions, describe));
  const counts = { red: 0, yellow: 0, green: 0, grey: 0, expected: 0 };
  for (const row of rows) if (row.status in counts) counts[row.status as keyof typeof counts] += 1;
  const result: AlertsResult = {
    date: read.board.date,
    window: query.window,
    source: tableText(read.board.source),
    rows,
    counts,
    failOn: query.failOn,
    failed: query.failOn !== null && rows.some((row) => isAtOrWorse(row.status, query.failOn as FailOn)),
    webhook: null,
  };
  if (read.previous) {
    const changes = changedStatuses(rows, read.previous);
    const payload = changes.length > 0 ? slackMessage(changes, { date: result.date, window: result.window, source: result.source, counts }) : null;
    const outcome: WebhookOutcome = { endpoint: query.webhook ? redactEndpoint(query.webhook) : null, dryRun: query.dryRun, changes, payload, delivery: null, error: null };
    if (payload && query.webhook && !query.dryRun) {
      try {
        outcome.delivery = await postWebhook(query.webhook, payload, options.webhookOptions);
      } catch (error) {
        if (!(error instanceof KpiError)) throw error;
        outcome.error = error;
      }
    }
    result.webhook = outcome;
  }
  return result;
}
