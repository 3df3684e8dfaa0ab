import type { KpiInfo } from './mart-types.js';
import { formatValue } from './format-value.js';
import type { StatusRow } from './queries/read-statuses.js';

const REFERENCES: Record<string, string> = {
  previous_day: 'the day before',
  same_day_last_week: 'the same day last week',
  same_weekday_last_year: 'the same weekday last year',
  rolling_mean: 'the recent average',
};

function sentence(parts: string[]): string {
  const text = parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function percent(fraction: number): string {
  const value = Math.abs(fraction * 100);
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(1)}%`;
}

/** What each signal letter means, for this row's figures. */
function signalPhrases(row: StatusRow, signals: string, money: (value: number | null) => string): string[] {
  const phrases: string[] = [];
  if (signals.includes('L')) phrases.push(`below the expected range (${money(row.value)}; expected at least ${money(row.lower)})`);
  if (signals.includes('U')) phrases.push(`above the expected range (${money(row.value)}; expected at most ${money(row.upper)})`);
  if (signals.includes('Z') && row.zscore !== null) {
    phrases.push(`unusual for the season (${Math.abs(row.zscore).toFixed(1)} standard deviations ${row.zscore < 0 ? 'below' : 'above'} normal)`);
  }
  if (signals.includes('P') && row.pctChange !== null) {
    phrases.push(`${row.pctChange < 0 ? 'down' : 'up'} ${percent(row.pctChange)} on ${REFERENCES[row.pctChangeVs ?? ''] ?? 'the reference day'}`);
  }
  return phrases;
}

/**
 * Why a KPI has its status, in the words of a reader who has never seen a signal code:
 * "Below the expected range ($8,300.00; expected at least $9,120.00) and down 45% on the
 * same day last week." Built from the row's figures; the model's own reason is read only
 * for what the figures do not hold (history needed, days to clear, a static bound).
 */
export function describeStatus(row: StatusRow, kpi: KpiInfo, currency: string): string {
  const money = (value: number | null) => formatValue(value, kpi.format, currency);
  const reason = row.reason ?? '';
  const range = row.lower !== null && row.upper !== null ? ` (${money(row.lower)} to ${money(row.upper)})` : '';
  switch (row.status) {
    case 'grey': {
      if (row.value === null) return 'No figure for this day.';
      const history = /only (\d+) of the (\d+) days/.exec(reason);
      return history ? `Not enough history to judge yet: ${history[1]} of the ${history[2]} days it needs.` : 'Not enough history to judge yet.';
    }
    case 'expected': {
      // The model's reason names the event ("expected: Thanksgiving: tasting rooms closed.").
      const event = reason.replace(/^expected: /, '').replace(/ \(signals [A-Z,]+ not counted\)$/, '');
      return `Expected: ${event.replace(/\.$/, '')}. Not judged against the usual range.`;
    }
    case 'green': {
      const fired = signalPhrases(row, row.signals, money);
      if (fired.length === 0) return `Within the expected range${range}.`;
      return `${sentence(fired).slice(0, -1)}: good news for this KPI, so no alert.`;
    }
    case 'red':
    case 'yellow': {
      const clearing = /clearing: (\d+) day\(s\) since the last alert, needs (\d+)/.exec(reason);
      if (clearing) return `Back within range, still on watch: ${clearing[1]} day(s) since the last alert; it turns green after ${clearing[2]}.`;
      const fixed = /static bound crossed: value (-?[\d.]+) against 7-day average (-?[\d.]+)/.exec(reason);
      if (fixed) {
        const [value, average] = [Number(fixed[1]), Number(fixed[2])];
        const share = average !== 0 ? `, ${percent(value / average)} of it` : '';
        return `Past its set alert level: ${money(value)} against a 7-day average of ${money(average)}${share}.`;
      }
      const counted = signalPhrases(row, row.countedSignals, money);
      if (counted.length > 0) return sentence(counted);
      return reason ? `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.` : `${row.status === 'red' ? 'Red' : 'Yellow'}.`;
    }
    default:
      return reason ? `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.` : '';
  }
}
