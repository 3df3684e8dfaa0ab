/** numeric comes back as text (exact); the dashboard draws and formats numbers. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    return Number.isFinite(number) ? number : null;
  }
  return null;
}

export function toText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
