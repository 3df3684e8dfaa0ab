import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import type { DashboardContext } from '../../src/dashboard/dashboard-context.js';
import type { KpiInfo } from '../../src/mart/mart-types.js';
import { describeStatus } from '../../src/mart/describe-status.js';
import { apiPath } from '../../src/dashboard/page/api-path.js';
import { changeTone, formatChange, formatValue } from '../../src/mart/format-value.js';
import { parseRoute } from '../../src/dashboard/page/parse-route.js';
import { prometheusText } from '../../src/dashboard/prometheus-text.js';
import { BROWSER_LIB } from '../../src/dashboard/page/browser-script.js';
import { routePath } from '../../src/dashboard/page/route-path.js';
import type { StatusRow } from '../../src/mart/queries/read-statuses.js';

const kpi = (format: string, direction = 'up_good'): KpiInfo => ({
  id: 1,
  code: 'TR_WINE',
  name: 'TR Wine',
  section: 'Revenue',
  subcategory: null,
  format,
  direction,
  sortOrder: 1,
  description: null,
});

function row(fields: Partial<StatusRow>): StatusRow {
  return {
    date: '2025-06-06',
    kpiId: 1,
    entityId: 0,
    window: 7,
    value: 100,
    lower: 90,
    upper: 110,
    zscore: null,
    pctChange: null,
    pctChangeVs: null,
    signals: '',
    countedSignals: '',
    status: 'green',
    reason: 'no signal',
    ...fields,
  };
}

describe("the dashboard's words and numbers", () => {
  it('formats values by dim_kpi.format, in the configured currency', () => {
    expect(formatValue(8299.88, 'currency', 'USD')).toBe('$8,300');
    expect(formatValue(922.105, 'currency', 'USD')).toBe('$922.11');
    expect(formatValue(922.1, 'currency', 'GBP')).toBe('£922.10');
    expect(formatValue(1250, 'currency', '€')).toBe('€1,250');
    expect(formatValue(-12.5, 'currency', 'kr ')).toBe('-kr 12.50');
    expect(formatValue(2918865.01, 'currency', 'USD', true)).toBe('$2.9M');
    expect(formatValue(0.07792, 'percent', 'USD')).toBe('7.79%');
    expect(formatValue(0.125, 'percent', 'USD')).toBe('12.5%');
    expect(formatValue(1287, 'count', 'USD')).toBe('1,287');
    expect(formatValue(4.54, 'count', 'USD')).toBe('4.5');
    expect(formatValue(null, 'count', 'USD')).toBe('–');
    expect(formatChange(0.0155)).toBe('+1.6%');
    expect(formatChange(-0.53)).toBe('−53%');
    expect(formatChange(null)).toBe('–');
    expect(changeTone(0.1, 'up_good')).toBe('good');
    expect(changeTone(0.1, 'down_good')).toBe('bad');
    expect(changeTone(0.1, 'neutral')).toBe('flat');
  });

  it('explains a status in plain words, never in signal codes', () => {
    const money = kpi('currency');
    expect(describeStatus(row({}), money, 'USD')).toBe('Within the expected range ($90.00 to $110.00).');
    expect(
      describeStatus(
        row({
          status: 'red',
          value: 8299.88,
          lower: 9120,
          upper: 12400,
          zscore: -3.14,
          pctChange: -0.45,
          pctChangeVs: 'same_day_last_week',
          signals: 'L,Z,P',
          countedSignals: 'L,Z,P',
          reason: 'counted signals L,Z,P (value 8299.88 <= lower 9120.00)',
        }),
        money,
        'USD',
      ),
    ).toBe('Below the expected range ($8,300; expected at least $9,120), unusual for the season (3.1 standard deviations below normal) and down 45% on the same day last week.');
    expect(
      describeStatus(
        row({ status: 'yellow', value: 25, pctChange: -0.75, pctChangeVs: 'same_weekday_last_year', signals: 'P', countedSignals: 'P', reason: 'counted signals P' }),
        kpi('count'),
        'USD',
      ),
    ).toBe('Down 75% on the same weekday last year.');
    expect(describeStatus(row({ status: 'yellow', value: 120, signals: 'U', countedSignals: 'U', reason: 'counted signals U' }), kpi('count'), 'USD')).toBe(
      'Above the expected range (120; expected at most 110).',
    );
    expect(describeStatus(row({ status: 'green', value: 120, signals: 'U', countedSignals: '' }), kpi('count'), 'USD')).toBe(
      'Above the expected range (120; expected at most 110): good news for this KPI, so no alert.',
    );
    expect(describeStatus(row({ status: 'grey', value: 5, reason: 'only 3 of the 7 days of history it needs' }), money, 'USD')).toBe('Not enough history to judge yet: 3 of the 7 days it needs.');
    expect(describeStatus(row({ status: 'grey', value: null, reason: 'no value for the day' }), money, 'USD')).toBe('No figure for this day.');
    expect(describeStatus(row({ status: 'yellow', reason: 'clearing: 1 day(s) since the last alert, needs 3' }), money, 'USD')).toBe(
      'Back within range, still on watch: 1 day(s) since the last alert; it turns green after 3.',
    );
    expect(describeStatus(row({ status: 'red', value: 2500, reason: 'static bound crossed: value 2500.00 against 7-day average 10000.00' }), money, 'USD')).toBe(
      'Past its set alert level: $2,500 against a 7-day average of $10,000, 25% of it.',
    );
  });

  it('writes API paths and routes one way, whatever order the parameters come in', () => {
    expect(apiPath('/api/board', { window: 30, entity: 'ALL', date: '2025-06-06' })).toBe('/api/board?date=2025-06-06&entity=ALL&window=30');
    expect(apiPath('/api/board', { window: null, entity: undefined, date: '' })).toBe('/api/board');
    expect(apiPath('/api/kpi/A%26B', { entity: 'a&b' })).toBe('/api/kpi/A%26B?entity=a%26b');
    expect(parseRoute('/kpi/TR_WINE?entity=0&date=2026-01-31')).toEqual({ page: 'kpi', kpi: 'TR_WINE', window: null, entity: '0', date: '2026-01-31' });
    expect(parseRoute('/?window=30&date=nonsense')).toEqual({ page: 'board', kpi: null, window: 30, entity: null, date: null });
    // The backtest page keeps its chosen setting (a label with '=' and spaces) in the address, and a report's hash.
    const backtest = { page: 'backtest', kpi: null, window: null, entity: null, date: null, setting: 'k=2.5 policy.red=3' } as const;
    expect(routePath(BROWSER_LIB, backtest)).toBe('/backtest?setting=k%3D2.5%20policy.red%3D3');
    expect(parseRoute('/backtest?setting=k%3D2.5%20policy.red%3D3')).toEqual(backtest);
    expect(parseRoute('#/backtest')).toEqual({ ...backtest, setting: null });
  });

  it('escapes label values in /metrics so any KPI name parses', () => {
    const context = {
      catalog: { kpis: [{ ...kpi('currency'), name: 'Wine "reserve" \\ cellar\nnew' }], entities: [{ id: 0, code: 'ALL', name: 'All', type: 'total' }], windows: [7] },
      version: { version: 'v', firstDate: '2025-06-06', latestDate: '2025-06-06', lastBuild: '2025-06-07T01:02:03.000Z' },
    } as unknown as DashboardContext;
    const text = prometheusText([{ date: '2025-06-06', kpiId: 1, entityId: 0, window: 7, value: 12.5, lower: null, upper: 20, status: 'yellow' }], context);
    const families = parsePrometheusTextFormat(text);
    const status = families.find((family) => family.name === 'kpi_status');
    expect(status?.metrics[0]).toEqual({ labels: { kpi: 'TR_WINE', kpi_name: 'Wine "reserve" \\ cellar\nnew', section: 'Revenue', entity: 'ALL', window: '7' }, value: '1' });
    // A missing bound is left out, not written as 0.
    expect(families.find((family) => family.name === 'kpi_lower_threshold')).toBeUndefined();
    expect(families.find((family) => family.name === 'kpi_last_build_timestamp_seconds')?.metrics[0].value).toBe(String(Date.parse('2025-06-07T01:02:03Z') / 1000));
  });
});
