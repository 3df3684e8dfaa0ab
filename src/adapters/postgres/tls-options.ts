import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { KpiError } from '../../errors.js';

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** libpq's TLS settings, from a profile or a URL's query. */
export interface TlsSettings {
  sslmode?: string | null;
  sslrootcert?: string | null;
  sslcert?: string | null;
  sslkey?: string | null;
}

/**
 * How to connect, as libpq decides it: `first` is tried, and when the server turns that
 * down (`allow`: it insists on TLS; `prefer`: it has none), `fallback`. `false` is a
 * plain connection; otherwise Node's TLS options.
 */
export interface TlsPlan {
  mode: SslMode;
  first: false | ConnectionOptions;
  fallback: false | ConnectionOptions | null;
}

function readFile(kind: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new KpiError('KPI_CONFIG_INVALID', `${kind} '${path}' could not be read: ${(error as Error).message}`, { hint: `point ${kind} in the profile (or the URL) at a readable file` });
  }
}

/**
 * libpq's sslmode semantics (postgresql.org/docs/current/libpq-ssl.html): `require`
 * encrypts without checking the certificate, unless a root certificate is there, when it
 * checks it as `verify-ca` does; `verify-ca` checks the chain; `verify-full` the chain and
 * the host name. The root certificate defaults to ~/.postgresql/root.crt, the client's to
 * ~/.postgresql/postgresql.crt and .key, used when they exist. Unset is `prefer`, as libpq.
 */
export function tlsPlan(settings: TlsSettings, home = homedir()): TlsPlan {
  const mode = (settings.sslmode ?? 'prefer') as SslMode;
  if (!SSL_MODES.includes(mode)) {
    throw new KpiError('KPI_CONFIG_INVALID', `sslmode '${settings.sslmode}' is not one libpq knows`, { hint: `use one of: ${SSL_MODES.join(', ')}` });
  }
  if (mode === 'disable') return { mode, first: false, fallback: null };
  const defaults = join(home, '.postgresql');
  const rootcert = settings.sslrootcert ?? (existsSync(join(defaults, 'root.crt')) ? join(defaults, 'root.crt') : null);
  const certFile = settings.sslcert ?? (existsSync(join(defaults, 'postgresql.crt')) ? join(defaults, 'postgresql.crt') : null);
  const keyFile = settings.sslkey ?? (existsSync(join(defaults, 'postgresql.key')) ? join(defaults, 'postgresql.key') : null);
  const client: ConnectionOptions = {};
  if (certFile) client.cert = readFile('sslcert', certFile);
  if (keyFile) client.key = readFile('sslkey', keyFile);

  const verifyChain = mode === 'verify-ca' || mode === 'verify-full' || (mode === 'require' && rootcert !== null);
  if ((mode === 'verify-ca' || mode === 'verify-full') && rootcert === null) {
    throw new KpiError('KPI_CONFIG_INVALID', `sslmode '${mode}' checks the server's certificate, so it needs a root certificate`, {
      hint: 'set sslrootcert in the profile (or the URL), or put the CA certificate in ~/.postgresql/root.crt',
    });
  }
  const encrypted: ConnectionOptions = verifyChain
    ? {
        ...client,
        ca: readFile('sslrootcert', rootcert as string),
        rejectUnauthorized: true,
        // verify-ca trusts any name the CA signed; only verify-full holds the certificate to the host.
        ...(mode === 'verify-full' ? {} : { checkServerIdentity: () => undefined }),
      }
    : { ...client, rejectUnauthorized: false };
  if (mode === 'allow') return { mode, first: false, fallback: encrypted };
  if (mode === 'prefer') return { mode, first: encrypted, fallback: false };
  return { mode, first: encrypted, fallback: null };
}

/** libpq's parameters in a connection URL's query, taken out (the pg client would read them its own way). */
export function splitTlsFromUrl(url: string): { url: string; settings: TlsSettings } {
  const parsed = new URL(url);
  const settings: TlsSettings = {};
  for (const key of ['sslmode', 'sslrootcert', 'sslcert', 'sslkey'] as const) {
    const value = parsed.searchParams.get(key);
    if (value !== null) settings[key] = value;
    parsed.searchParams.delete(key);
  }
  return { url: parsed.toString(), settings };
}

/** Whether a failed connect is the server declining the first choice, so the fallback is worth trying. */
export function declinedByServer(plan: TlsPlan, error: unknown): boolean {
  if (plan.fallback === null) return false;
  const message = (error as Error).message ?? '';
  // prefer: no TLS on the server. allow: the server demands TLS (pg_hba hostssl) and rejects the plain connection.
  if (plan.first !== false) return /does not support SSL/i.test(message);
  return /no pg_hba\.conf entry|SSL (connection )?(is )?required|no encryption/i.test(message);
}
