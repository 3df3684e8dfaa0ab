/**
 * A KPI figure as dim_kpi.format says: currency in the configured unit (an ISO code such
 * as USD, or a symbol such as £), counts as whole numbers, percents from fractions.
 * `compact` gives axis labels ($12.3K). Runs in the page too: it stands alone (browser-lib.ts).
 */
export function formatValue(value: number | null | undefined, format: string, currency: string, compact?: boolean): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const size = Math.abs(value);
  if (format === 'percent') {
    const percent = value * 100;
    return `${percent.toFixed(Math.abs(percent) >= 10 || compact ? 1 : 2)}%`;
  }
  const digits = compact || size >= 1000 ? 0 : format === 'currency' ? 2 : size >= 10 || Number.isInteger(value) ? 0 : 1;
  const options: Intl.NumberFormatOptions = compact
    ? { notation: 'compact', maximumFractionDigits: size >= 1000 ? 1 : 0 }
    : { minimumFractionDigits: format === 'currency' && size < 1000 ? 2 : 0, maximumFractionDigits: digits };
  // A board writes hundreds of figures and making an Intl.NumberFormat costs more than using
  // one: they are kept by their options (on globalThis: this function must stand alone).
  const store = globalThis as { kpiNumberFormats?: Map<string, Intl.NumberFormat | null> };
  const formats = (store.kpiNumberFormats ??= new Map());
  const formatter = (extra: Intl.NumberFormatOptions): Intl.NumberFormat | null => {
    const all = { ...options, ...extra };
    const key = JSON.stringify(all);
    if (!formats.has(key)) {
      try {
        formats.set(key, new Intl.NumberFormat('en-US', all));
      } catch {
        // An ISO-looking code Intl does not know: written as a prefix by the caller.
        formats.set(key, null);
      }
    }
    return formats.get(key) ?? null;
  };
  if (format === 'currency') {
    const money = /^[A-Z]{3}$/.test(currency) ? formatter({ style: 'currency', currency }) : null;
    if (money) return money.format(value);
    return `${value < 0 ? '-' : ''}${currency}${(formatter({}) as Intl.NumberFormat).format(Math.abs(value))}`;
  }
  return (formatter({}) as Intl.NumberFormat).format(value);
}

/** A change as a fraction of the prior value: +3.2%, −1.5%; '–' when there is no prior. */
export function formatChange(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  const percent = fraction * 100;
  const text = Math.abs(percent).toFixed(Math.abs(percent) >= 10 ? 0 : 1);
  if (Number(text) === 0) return '0%';
  return `${percent > 0 ? '+' : '−'}${text}%`;
}

/** Whether a change is good news for a KPI of this direction: 'good', 'bad' or 'flat'. */
export function changeTone(fraction: number | null | undefined, direction: string): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction) || Math.abs(fraction) < 0.0005 || direction === 'neutral') return 'flat';
  const up = fraction > 0;
  return (direction === 'down_good' ? !up : up) ? 'good' : 'bad';
}
