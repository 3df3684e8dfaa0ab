/** Secrets never reach output, logs or artifacts: every occurrence of one in a value's strings becomes `****`. */
export function redactor(secrets: readonly string[]): <T>(value: T) => T {
  const known = secrets.filter((secret) => secret.length > 0);
  if (known.length === 0) return (value) => value;
  const scrub = (text: string): string => known.reduce((result, secret) => result.split(secret).join('****'), text);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object' && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    return value;
  };
  return <T>(value: T) => walk(value) as T;
}
