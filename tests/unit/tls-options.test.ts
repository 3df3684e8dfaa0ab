import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { declinedByServer, splitTlsFromUrl, tlsPlan } from '../../src/adapters/postgres/tls-options.js';

// The expectations are libpq's table of sslmode (postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION).
describe('sslmode as libpq reads it', () => {
  const home = mkdtempSync(join(tmpdir(), 'kpi-home-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const ca = join(home, 'ca.crt');
  writeFileSync(ca, 'not a real certificate; only read as bytes here');

  it('tries the plain connection first with allow, TLS first with prefer (the default), and TLS only from require on', () => {
    expect(tlsPlan({ sslmode: 'disable' }, home)).toEqual({ mode: 'disable', first: false, fallback: null });
    expect(tlsPlan({ sslmode: 'allow' }, home)).toMatchObject({ first: false, fallback: { rejectUnauthorized: false } });
    expect(tlsPlan({}, home)).toMatchObject({ mode: 'prefer', first: { rejectUnauthorized: false }, fallback: false });
    expect(tlsPlan({ sslmode: 'require' }, home)).toMatchObject({ first: { rejectUnauthorized: false }, fallback: null });
  });

  it('checks the chain from verify-ca on (and for require when a root certificate is there), the host name only with verify-full', () => {
    const verifyCa = tlsPlan({ sslmode: 'verify-ca', sslrootcert: ca }, home).first as Record<string, unknown>;
    expect(verifyCa.rejectUnauthorized).toBe(true);
    expect(typeof verifyCa.checkServerIdentity).toBe('function');
    const requireWithRoot = tlsPlan({ sslmode: 'require', sslrootcert: ca }, home).first as Record<string, unknown>;
    expect(requireWithRoot.rejectUnauthorized).toBe(true);
    const verifyFull = tlsPlan({ sslmode: 'verify-full', sslrootcert: ca }, home).first as Record<string, unknown>;
    expect(verifyFull.rejectUnauthorized).toBe(true);
    expect(verifyFull.checkServerIdentity).toBeUndefined();
    expect(Buffer.isBuffer(verifyFull.ca)).toBe(true);
  });

  it('takes libpq parameters out of a URL, leaving the rest', () => {
    const split = splitTlsFromUrl('postgresql://u@db:5432/app?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.crt&application_name=x');
    expect(split.settings).toEqual({ sslmode: 'verify-full', sslrootcert: '/etc/ca.crt' });
    expect(split.url).toBe('postgresql://u@db:5432/app?application_name=x');
  });

  it('falls back only when the server declines the first choice', () => {
    const prefer = tlsPlan({ sslmode: 'prefer' }, home);
    expect(declinedByServer(prefer, new Error('The server does not support SSL connections'))).toBe(true);
    expect(declinedByServer(prefer, new Error('password authentication failed'))).toBe(false);
    const allow = tlsPlan({ sslmode: 'allow' }, home);
    expect(declinedByServer(allow, new Error('no pg_hba.conf entry for host "10.0.0.1", user "u", database "d", no encryption'))).toBe(true);
    expect(declinedByServer(tlsPlan({ sslmode: 'require' }, home), new Error('The server does not support SSL connections'))).toBe(false);
  });
});
