import type { PostgresTarget } from '../config/profiles.js';

/**
 * A `postgres` target's connection URL, for psql and BI tools. The password is left out
 * unless asked for: psql then takes it from PGPASSWORD or ~/.pgpass, and the URL can be
 * printed or pasted without leaking it.
 */
export function postgresTargetUrl(target: PostgresTarget, options: { showPassword?: boolean } = {}): { url: string; passwordHidden: boolean } {
  let url: URL;
  if (target.url) {
    url = new URL(target.url);
    if (target.user) url.username = encodeURIComponent(target.user);
    if (target.password !== null) url.password = encodeURIComponent(target.password);
  } else {
    url = new URL('postgresql://localhost');
    url.hostname = (target.host ?? 'localhost').includes(':') ? `[${target.host}]` : (target.host ?? 'localhost');
    url.port = String(target.port);
    if (target.user) url.username = encodeURIComponent(target.user);
    if (target.password !== null) url.password = encodeURIComponent(target.password);
    url.pathname = `/${encodeURIComponent(target.dbname ?? 'postgres')}`;
  }
  // psql reads libpq's TLS settings from the URL as kpi reads them from the profile.
  for (const key of ['sslmode', 'sslrootcert', 'sslcert', 'sslkey'] as const) {
    const value = target[key];
    if (value && !url.searchParams.has(key)) url.searchParams.set(key, value);
  }
  const passwordHidden = url.password !== '' && !options.showPassword;
  if (passwordHidden) url.password = '';
  return { url: url.toString(), passwordHidden };
}
