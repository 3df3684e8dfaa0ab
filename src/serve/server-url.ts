import type { ServedAddress } from '../adapters/pglite/lock-holder.js';

/** Where a client on this machine reaches a server listening on `host` (a wildcard address means every interface). */
export function connectableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

/**
 * The URL psql and BI tools take for a `kpi serve` server. The embedded database knows
 * one user and one database, and its socket server speaks no TLS, hence `sslmode=disable`
 * (without it psql and most drivers try TLS first and give up).
 */
export function embeddedServerUrl(address: ServedAddress): string {
  const host = connectableHost(address.host);
  return `postgresql://postgres@${host.includes(':') ? `[${host}]` : host}:${address.port}/postgres?sslmode=disable`;
}
