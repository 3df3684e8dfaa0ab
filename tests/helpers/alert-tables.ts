import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { qualified, quoteIdentifier, sqlLiteral } from '../../src/adapters/quote.js';

type Row = [
  string,
  number,
  string,
  string,
  number,
  number | null,
  number,
  string,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  string | null,
  string,
  string | null,
  string | null,
];

const SERVING_COLUMNS =
  'metric_key, kpi_id, section, subcategory, entity_id, value, window_days, as_of_date, rolling_mean, rolling_std, lower_threshold, upper_threshold, seasonal_zscore, pct_change, signals, status, link, reason';

/**
 * The latest board (2025-03-31) as the KPI mart would serve it. Against 2025-03-30 in the
 * history: TR_WINE/0 went yellow → red, TR_WINE/1 red → green, TR_FEES/0 green → yellow;
 * TR_TOTAL/0 stays red, TR_FEES/1 stays green; LEADS/0 is new and grey; LEADS/1 had no
 * row on 03-30 and was Yellow on 03-29, as it is now.
 */
export const SERVING: Row[] = [
  [
    'tr_total',
    3,
    'Revenue',
    'Total',
    0,
    1500,
    7,
    '2025-03-31',
    2400,
    150,
    2100,
    2700,
    -2.5,
    -0.4,
    'L,P',
    'red',
    'https://bi.example/kpi/3?entity=0',
    'below the lower bound; down 40% on the previous day',
  ],
  ['tr_wine', 1, 'Revenue', 'Tasting room', 0, 812.5, 7, '2025-03-31', 1000, 50, 900, 1100, -3.1, -0.1, 'L,Z', 'red', null, 'below the lower bound & a seasonal low'],
  ['tr_wine', 1, 'Revenue', 'Tasting room', 1, 95.25, 7, '2025-03-31', 90, 5, 80, 100, 0.2, 0.05, null, 'green', null, null],
  ['tr_fees', 2, 'Revenue', 'Fees', 0, 40, 7, '2025-03-31', 30, 2, 26, 34, 1.1, 0.2, 'U', 'yellow', null, 'above the upper bound, | a pipe'],
  ['tr_fees', 2, 'Revenue', 'Fees', 1, 41, 7, '2025-03-31', 40, 2, 36, 44, 0.1, 0.01, null, 'green', null, null],
  ['leads', 7, 'Sales', 'Leads', 0, 12, 7, '2025-03-31', null, null, null, null, null, null, null, 'grey', null, 'only 3 days of history (needs 7)'],
  ['leads', 7, 'Sales', 'Leads', 1, 70, 7, '2025-03-31', 85, 4, 77, 93, -0.8, -0.12, 'L', 'Yellow', null, 'below the lower bound'],
  ['tr_total', 3, 'Revenue', 'Total', 0, 1500, 30, '2025-03-31', 2000, 300, 1400, 2600, -2.5, -0.4, null, 'green', null, null],
  ['tr_wine', 1, 'Revenue', 'Tasting room', 0, 812.5, 30, '2025-03-31', 950, 60, 830, 1070, -3.1, -0.1, 'L', 'yellow', null, null],
  ['leads', 7, 'Sales', 'Leads', 1, 70, 30, '2025-03-31', 75, 6, 63, 87, -0.8, -0.12, null, 'green', null, null],
];

/** [date, kpi_id, entity_id, window, status]; 2025-03-31 repeats the serving table, as the history appends it. */
export const HISTORY: Array<[string, number, number, number, string]> = [
  ['2025-03-29', 3, 0, 7, 'yellow'],
  ['2025-03-29', 1, 0, 7, 'yellow'],
  ['2025-03-29', 1, 1, 7, 'red'],
  ['2025-03-29', 2, 0, 7, 'green'],
  ['2025-03-29', 2, 1, 7, 'green'],
  ['2025-03-29', 7, 1, 7, 'yellow'],
  ['2025-03-30', 3, 0, 7, 'red'],
  ['2025-03-30', 1, 0, 7, 'yellow'],
  ['2025-03-30', 1, 1, 7, 'red'],
  ['2025-03-30', 2, 0, 7, 'green'],
  ['2025-03-30', 2, 1, 7, 'green'],
  ['2025-03-30', 1, 0, 30, 'green'],
  ...SERVING.map((row): [string, number, number, number, string] => [row[7], row[1], row[4], row[6], row[15].toLowerCase()]),
];

/** agg_kpi_dashboard's period columns: day, MTD, QTD, YTD, last 28 days, each with the year before. */
const PERIOD_COLUMNS = ['day', 'mtd', 'qtd', 'ytd', 'last28'].flatMap((period) => ['value', 'prior', 'delta', 'delta_pct'].map((part) => `${period}_${part}`));

/**
 * The SQL that creates the serving, history, dim_kpi, dim_entity and agg_kpi_dashboard
 * tables of a board in `schema`: TR_WINE for ALL on 2025-03-31 has its day and month to
 * date against the year before (812.5 against 1,000; 25,000 against 20,000).
 */
export function alertTablesSql(schema: string, servingName = 'kpi_serving'): string {
  const serving = qualified(schema, servingName);
  const history = qualified(schema, 'kpi_status_history');
  const values = (rows: unknown[][]) => rows.map((row) => `(${row.map(sqlLiteral).join(', ')})`).join(',\n');
  return `create schema if not exists ${quoteIdentifier(schema)};
create table ${serving} (
  metric_key text, kpi_id int, section text, subcategory text, entity_id int, value numeric, window_days int, as_of_date date,
  rolling_mean float8, rolling_std float8, lower_threshold float8, upper_threshold float8, seasonal_zscore float8, pct_change float8,
  signals text, status text, link text, baseline_n int, reason text, config_hash text
);
insert into ${serving} (${SERVING_COLUMNS}) values
${values(SERVING)};
create table ${history} (
  as_of_date date, kpi_id int, entity_id int, window_days int, value numeric, status text, signals text, reason text,
  primary key (as_of_date, kpi_id, entity_id, window_days)
);
insert into ${history} (as_of_date, kpi_id, entity_id, window_days, status) values
${values(HISTORY)};
create table ${qualified(schema, 'dim_kpi')} (kpi_id int, kpi_code text, kpi_name text, format text, sort_order int);
insert into ${qualified(schema, 'dim_kpi')} values
  (3, 'TR_TOTAL', 'Total revenue', 'currency', 1), (1, 'TR_WINE', 'Tasting room wine', 'currency', 2), (2, 'TR_FEES', 'Tasting fees', 'currency', 3), (7, 'LEADS', 'Leads', 'count', 4);
create table ${qualified(schema, 'dim_entity')} (entity_id int, entity_code text, entity_name text);
insert into ${qualified(schema, 'dim_entity')} values (0, 'ALL', 'All locations'), (1, 'NAPA', 'Napa');
create table ${qualified(schema, 'agg_kpi_dashboard')} (as_of_date date, kpi_id int, entity_id int, ${PERIOD_COLUMNS.map((column) => `${column} numeric`).join(', ')});
insert into ${qualified(schema, 'agg_kpi_dashboard')} (as_of_date, kpi_id, entity_id, day_value, day_prior, day_delta, day_delta_pct, mtd_value, mtd_prior, mtd_delta, mtd_delta_pct)
values ('2025-03-31', 1, 0, 812.5, 1000, -187.5, -0.1875, 25000, 20000, 5000, 0.25);
`;
}

export interface ReceivedPost {
  path: string;
  contentType: string | undefined;
  body: string;
}

/**
 * A webhook endpoint on a free local port. Each request takes the next planned answer
 * (an HTTP status, or 'hang' to never answer); the last plan repeats.
 */
export async function webhookServer(plan: Array<number | 'hang'>) {
  const received: ReceivedPost[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', contentType: request.headers['content-type'], body });
      const answer = plan[Math.min(received.length - 1, plan.length - 1)];
      if (answer === 'hang') return;
      response.writeHead(answer, { 'content-type': 'text/plain' });
      response.end(answer < 300 ? 'ok' : answer === 500 ? 'internal error' : 'no_service');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    /** A Slack-like address whose path is the secret. */
    url: `http://127.0.0.1:${port}/services/T0001/B0002/s3cr3tT0ken`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
