/** A KPI figure for people: whole numbers as they are, others to two decimals (four significant digits below 1). */
export function formatNumber(value: number | null): string {
  if (value === null) return '';
  if (Number.isInteger(value)) return String(value);
  return String(Math.abs(value) >= 1 ? Number(value.toFixed(2)) : Number(value.toPrecision(4)));
}
