import { describe, expect, it } from 'vitest';
import { changedStatuses } from '../../src/alerts/changed-statuses.js';
import { seriesKey } from '../../src/alerts/read-previous-statuses.js';
import { redactEndpoint } from '../../src/alerts/redact-endpoint.js';
import { slackMessage } from '../../src/alerts/slack-message.js';
import { sortBoard } from '../../src/alerts/sort-board.js';
import { isAtOrWorse } from '../../src/alerts/status-order.js';
import type { BoardRow, PreviousStatus } from '../../src/alerts/types.js';

function row(kpiId: number, entityId: number, status: string, extra: Partial<BoardRow> = {}): BoardRow {
  return {
    as_of_date: '2025-03-31',
    window_days: 7,
    kpi_id: kpiId,
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
    signals: null,
    status,
    reason: null,
    link: null,
    ...extra,
  };
}

describe('kpi alerts, pure parts', () => {
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
    const sorted = sortBoard([row(9, 0, 'green'), row(2, 1, 'red'), row(3, 0, 'purple'), row(2, 0, 'red'), row(5, 0, 'red'), row(1, 0, 'grey'), row(4, 0, 'yellow')], orders);
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

  it('builds a Slack message within Slack’s limits, with mrkdwn and links escaped', () => {
    const changes = Array.from({ length: 60 }, (_, index) => ({
      row: row(index + 1, 0, 'red', { metric_key: index === 0 ? 'a<b>&c' : `kpi_${index + 1}`, link: index === 0 ? 'https://bi.example/x?a=1|2>3' : 'javascript:alert(1)' }),
      previous: index === 0 ? null : { as_of_date: '2025-03-30', status: 'green' },
    }));
    const message = slackMessage(changes, { date: '2025-03-31', window: 30, source: 's.kpi_serving' });
    expect(message.blocks).toHaveLength(48);
    expect(message.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: ':red_circle: *a&lt;b&gt;&amp;c* · entity 0: new → *red*\n<https://bi.example/x?a=1%7C2%3E3|details>' } });
    // Only web links become links.
    expect(message.blocks[2]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: ':red_circle: *kpi_2* · entity 0: green → *red*' } });
    expect(message.blocks[46]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '…and 15 more changes: run `kpi alerts` for the whole board' } });
    expect(message.blocks[47]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '60 status changes since the previous as-of date · s.kpi_serving' }] });
    expect(message.text).toMatch(/^KPI status changes · 2025-03-31 · 30-day window: a<b>&c \(entity 0\) new → red; kpi_2 .*; and 40 more$/);
  });
});
