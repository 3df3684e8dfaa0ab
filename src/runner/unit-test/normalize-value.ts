const NUMERIC_OID = 1700;

/** `1.50` and `1.5` are one numeric value: drop trailing fraction zeros (Postgres keeps each value's scale). */
function canonicalDecimal(text: string): string {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return text;
  let result = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  result = result.replace(/^(-?)0+(?=\d)/, '$1');
  return result === '-0' ? '0' : result;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * One value of a result column as comparable text, or null. Actual and expected rows come
 * from one query, so a column has one type on both sides; what differs is only how equal
 * values can print (numeric scale, json key order, Date objects for timestamptz).
 */
export function normalizeValue(value: unknown, dataTypeID: number): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return dataTypeID === NUMERIC_OID ? canonicalDecimal(value) : value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  return stableJson(value);
}
