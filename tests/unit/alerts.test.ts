import { describe, expect, it } from 'vitest';
import { changedStatuses } from '../../src/alerts/changed-statuses.js';
import { seriesKey } from '../../src/alerts/read-previous-statuses.js';
import { redactEndpoint } from '../../src/alerts/redact-endpoint.js';
import { slackMessage } from '../../src/alerts/slack-message.js';
import { sortBoard } from '../../src/alerts/sort-board.js';
import { isAtOrWorse } from '../../src/alerts/status-order.js';
import { describeRow } from '../../src/alerts/describe-row.js';
import type { BoardDescriptions } from '../../src/alerts/read-descriptions.js';
import { resolveEntities } from '../../src/alerts/resolve-entities.js';
import type { BoardRow, DescribedRow, PreviousStatus } from '../../src/alerts/types.js';
import { KpiError } from '../../src/errors.js';

function boardRow(kpiId: number, entityId: number, status: string, extra: Partial<BoardRow> = {}): BoardRow {
  return {
    as_of_date: '2025-03-31',
    window_days: 7,
    kpi_id: kpiId,
    kpi_code: null,
    kpi_name: null,
    metric_key: `kpi_${kpiId}`,
    section: null,
    subcategory: null,
    entity_id: entityId,
    value: null,
    rolling_mean: null,
    rolling_std: null,
    lower_threshold: null,
    upper_threshold: null,
    seasonal_zscore: null,
    pct_change: null,
    pct_change_vs: null,
    signals: null,
    counted_signals: null,
    status,
    reason: null,
    link: null,
    ...extra,
  };
}

function row(kpiId: number, entityId: number, status: string, extra: Partial<DescribedRow> = {}): DescribedRow {
  return {
    ...boardRow(kpiId, entityId, status),
    entity_code: null,
    entity_name: null,
    value_text: '',
    expected_text: '',
    description: '',
    day_prior: null,
    day_change_pct: null,
    mtd_value: null,
    mtd_text: '',
    mtd_prior: null,
    mtd_change_pct: null,
    ...extra,
  };
}

const DESCRIPTIONS: BoardDescriptions = {
  kpis: new Map([
    ['1', { code: 'TR_WINE', name: 'Tasting room wine', format: 'currency', direction: 'up_good', sortOrder: 2 }],
    ['4', { code: 'CONV', name: 'Conversion', format: 'percent', direction: 'up_good', sortOrder: 1 }],
  ]),
  entities: [
    { id: '0', code: 'ALL', name: 'All locations' },
    { id: '1', code: 'NAPA', name: 'Napa tasting room' },
  ],
  periods: new Map([
    [
      '1:0',
      {
        day: { value: 812.5, prior: 1000, delta: -187.5, deltaPct: -0.1875 },
        mtd: { value: 25000, prior: 20000, delta: 5000, deltaPct: 0.25 },
        qtd: { value: null, prior: null, delta: null, deltaPct: null },
        ytd: { value: null, prior: null, delta: null, deltaPct: null },
        last28: { value: null, prior: null, delta: null, deltaPct: null },
      },
    ],
  ]),
};

describe('kpi alerts, pure parts', () => {
  it("writes a board row in the reader's words: names, dim_kpi formats, plain reasons, last year, an absolute link", () => {
    const options = { currency: 'USD', dashboardUrl: 'https://kpi.example/' };
    const wine = describeRow(
      boardRow(1, 0, 'red', { value: 812.5, lower_threshold: 900, upper_threshold: 1100, signals: 'L,Z', counted_signals: 'L', link: '/kpi/TR_WINE?entity=0&date=2025-03-31' }),
      DESCRIPTIONS,
      options,
    );
    expect(wine).toMatchObject({
      kpi_code: 'TR_WINE',
      kpi_name: 'Tasting room wine',
      entity_code: 'ALL',
      entity_name: 'All locations',
      value_text: '$812.50',
      // Currency from 1,000 up in whole units, as on the dashboard.
      expected_text: '$900.00 – $1,100',
      day_prior: 1000,
      day_change_pct: -0.1875,
      mtd_value: 25000,
      mtd_text: '$25,000',
      mtd_change_pct: 0.25,
      link: 'https://kpi.example/kpi/TR_WINE?entity=0&date=2025-03-31',
    });
    // Only the counted signal L is the reason; no signal letters in the words.
    expect(wine.description).toBe('Below the expected range ($812.50; expected at least $900.00).');
    const conversion = describeRow(boardRow(4, 1, 'green', { value: 0.0425, lower_threshold: 0.03, upper_threshold: 0.05 }), DESCRIPTIONS, options);
    expect(conversion).toMatchObject({ value_text: '4.25%', expected_text: '3.00% – 5.00%', entity_name: 'Napa tasting room', description: 'Within the expected range (3.00% to 5.00%).' });
    // No link in the table: the dashboard's KPI page for this entity, window and day.
    expect(conversion.link).toBe('https://kpi.example/kpi/CONV?entity=NAPA&window=7&date=2025-03-31');
    // A KPI dim_kpi does not describe keeps its figures as they are.
    expect(describeRow(boardRow(9, 0, 'grey', { value: 12.345, link: 'https://bi.example/k/9' }), DESCRIPTIONS, options)).toMatchObject({
      kpi_name: 'kpi_9',
      value_text: '12.35',
      link: 'https://bi.example/k/9',
      entity_name: 'All locations',
    });
  });

  it('takes --entity as a code, a name or an id, in any case, and lists the entities for one it does not know', () => {
    expect([...resolveEntities(new Set(['all', 'Napa Tasting Room']), DESCRIPTIONS.entities, ['0', '1'])]).toEqual(['0', '1']);
    expect([...resolveEntities(new Set(['1']), DESCRIPTIONS.entities, ['0', '1'])]).toEqual(['1']);
    expect([...resolveEntities(new Set(['7']), null, ['0', '7'])]).toEqual(['7']);
    let error: unknown;
    try {
      resolveEntities(new Set(['NAPPA']), DESCRIPTIONS.entities, ['0', '1']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KpiError);
    expect(error).toMatchObject({
      code: 'KPI_USAGE',
      message: "--entity 'NAPPA' is not an entity of the KPI mart. Did you mean 'NAPA'?",
      hint: 'entities with a status: ALL (All locations), NAPA (Napa tasting room)',
    });
    // In dim_entity but not on this board: said, not shown as an empty (all-clear) board.
    expect(() => resolveEntities(new Set(['napa']), DESCRIPTIONS.entities, ['0'])).toThrow("--entity 'napa' (Napa tasting room) has no KPI status on this board");
  });

  it('redacts the secret part of webhook addresses', () => {
    expect(redactEndpoint('https://hooks.slack.com/services/T000/B000/XXXXXXXX')).toBe('https://hooks.slack.com/services/***');
    expect(redactEndpoint('https://discord.com/api/webhooks/123/abc')).toBe('https://discord.com/api/***');
    expect(redactEndpoint('https://example.com/abcdef0123456789')).toBe('https://example.com/***');
    expect(redactEndpoint('https://user:pw@example.com:8443/hook/x?token=abc')).toBe('https://example.com:8443/hook/***?***');
    expect(redactEndpoint('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000');
  });

  it('sorts worst first, unknown statuses last, KPIs without a sort order after those with one', () => {
    const orders = new Map([
      ['5', 1],
      ['2', 2],
    ]);
    const sorted = sortBoard(
      [boardRow(9, 0, 'green'), boardRow(2, 1, 'red'), boardRow(3, 0, 'purple'), boardRow(2, 0, 'red'), boardRow(5, 0, 'red'), boardRow(1, 0, 'grey'), boardRow(4, 0, 'yellow')],
      orders,
    );
    expect(sorted.map((entry) => `${entry.kpi_id}/${entry.entity_id}:${entry.status}`)).toEqual(['5/0:red', '2/0:red', '2/1:red', '4/0:yellow', '1/0:grey', '9/0:green', '3/0:purple']);
  });

  it('judges --fail-on: red is worse than yellow; grey and green never fail', () => {
    expect(['red', 'yellow', 'grey', 'green'].map((status) => [isAtOrWorse(status, 'red'), isAtOrWorse(status, 'yellow')])).toEqual([
      [true, true],
      [false, true],
      [false, false],
      [false, false],
    ]);
  });

  it('counts as a change a different status, and a first status only when it is red or yellow', () => {
    const previous = new Map<string, PreviousStatus>([
      [seriesKey(1, 0), { as_of_date: '2025-03-30', status: 'red' }],
      [seriesKey(2, 0), { as_of_date: '2025-03-30', status: 'red' }],
      [seriesKey(3, 0), { as_of_date: '2025-03-27', status: 'yellow' }],
    ]);
    const rows = [row(1, 0, 'red'), row(2, 0, 'green'), row(3, 0, 'red'), row(4, 0, 'yellow'), row(5, 0, 'green'), row(6, 0, 'grey')];
    expect(changedStatuses(rows, previous).map((change) => [change.row.kpi_id, change.previous?.status ?? null])).toEqual([
      [2, 'red'],
      [3, 'yellow'],
      [4, null],
    ]);
  });

  it('builds a Slack message within Slack’s limits, in names and formatted figures, with mrkdwn and links escaped', () => {
    const changes = Array.from({ length: 60 }, (_, index) => ({
      row: row(index + 1, 0, 'red', {
        kpi_name: index === 0 ? 'a<b>&c' : null,
        entity_name: index === 0 ? 'All locations' : null,
        link: index === 0 ? 'https://bi.example/x?a=1|2>3' : 'javascript:alert(1)',
        ...(index === 0
          ? { value_text: '$812.50', day_change_pct: -0.1875, expected_text: '$900.00 – $1,100.00', mtd_value: 25000, mtd_change_pct: 0.25, description: 'Below the expected range.' }
          : {}),
      }),
      previous: index === 0 ? null : { as_of_date: '2025-03-30', status: 'green' },
    }));
    const message = slackMessage(changes, { date: '2025-03-31', window: 30, source: 's.kpi_serving', counts: { red: 60, yellow: 2, green: 20, grey: 1 } });
    expect(message.blocks).toHaveLength(48);
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: ':red_circle: *a&lt;b&gt;&amp;c* · All locations: new → *red*\n$812.50 (−19% on last year) · expected $900.00 – $1,100.00 · month to date +25% on last year\n_Below the expected range._\n<https://bi.example/x?a=1%7C2%3E3|open in the dashboard>',
      },
    });
    // Only web links become links; without names, the metric key and the entity id.
    expect(message.blocks[2]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: ':red_circle: *kpi_2* · entity 0: green → *red*' } });
    expect(message.blocks[46]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '…and 15 more changes: run `kpi alerts` for the whole board' } });
    expect(message.blocks[47]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '60 status changes since the previous as-of date · board: 60 red · 2 yellow · 20 green · 1 grey · s.kpi_serving' }],
    });
    expect(message.text).toMatch(/^KPI status changes · 2025-03-31 · 30-day window: a<b>&c \(All locations\) new → red; kpi_2 \(entity 0\) .*; and 40 more$/);
  });
});
