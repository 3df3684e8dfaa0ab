/**
 * An API request as a path with its parameters in name order, blanks left out. The page
 * asks for data this way and a static report stores each answer under the same path, so
 * the two agree on what "the same request" is.
 */
export function apiPath(endpoint: string, params: Record<string, string | number | null | undefined>): string {
  const names = Object.keys(params)
    .filter((name) => params[name] !== null && params[name] !== undefined && params[name] !== '')
    .sort();
  if (names.length === 0) return endpoint;
  return `${endpoint}?${names.map((name) => `${encodeURIComponent(name)}=${encodeURIComponent(String(params[name]))}`).join('&')}`;
}
