/** Postgres quoting. Every identifier and literal built from user input goes through here. */

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  // E'' strings would interpret backslashes; standard strings with doubled quotes do not.
  return `'${value.replace(/'/g, "''")}'`;
}

export function qualified(schema: string, identifier: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(identifier)}`;
}

/** A SQL literal for a JS value: numbers, booleans, null, strings, dates. */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as a SQL literal`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return quoteLiteral(value.toISOString());
  if (typeof value === 'object') return quoteLiteral(JSON.stringify(value));
  return quoteLiteral(String(value));
}
