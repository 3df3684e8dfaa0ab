/**
 * Both adapters return the same JS values for the same Postgres types, so templates
 * (`run_query`) and `kpi show` behave alike on either: bigints as numbers when they fit,
 * dates and timestamps as the text Postgres printed (no shift into the machine's time zone,
 * microseconds kept), numeric as text (no precision lost).
 */
export const TEXT_PARSERS: Record<number, (value: string) => unknown> = {
  20: (value) => {
    const parsed = Number(value);
    return Number.isSafeInteger(parsed) ? parsed : value;
  },
  1082: (value) => value,
  1114: (value) => value,
  1184: (value) => value,
  1700: (value) => value,
};
