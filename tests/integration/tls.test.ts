import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter.js';
import { PostgresAdapter } from '../../src/adapters/postgres/postgres-adapter.js';
import { KpiError } from '../../src/errors.js';
import { kpi } from '../helpers/cli.js';
import { databaseKinds } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';
import { startTlsServer, type TlsServer } from '../helpers/tls-server.js';

/** Whether this connection is encrypted, as the server sees it. */
async function encrypted(adapter: Adapter): Promise<boolean> {
  return adapter.withConnection(async (connection) => {
    const rows = (await connection.query<{ ssl: boolean }>('select ssl from pg_stat_ssl where pid = pg_backend_pid()')).rows;
    return rows[0].ssl;
  });
}

async function connectWith(options: ConstructorParameters<typeof PostgresAdapter>[0]): Promise<{ ssl: boolean } | { error: unknown }> {
  let adapter: PostgresAdapter | undefined;
  try {
    adapter = new PostgresAdapter(options);
    return { ssl: await encrypted(adapter) };
  } catch (error) {
    return { error };
  } finally {
    await adapter?.close();
  }
}

// Settings that cannot work are refused before anything connects: no server needed (port 1 is never reached).
describe('sslmode settings kpi cannot use', () => {
  it('refuses verify-full without a root certificate, and an sslmode libpq does not know, with coded errors', async () => {
    const at = (tls: Record<string, string>) => ({ host: 'localhost', port: 1, user: 'postgres', database: 'postgres', poolSize: 1, tls });
    const noCa = await connectWith(at({ sslmode: 'verify-full' }));
    expect((noCa as { error: KpiError }).error).toMatchObject({ code: 'KPI_CONFIG_INVALID', message: expect.stringMatching(/needs a root certificate/) });
    const unknownMode = await connectWith(at({ sslmode: 'required' }));
    expect((unknownMode as { error: KpiError }).error).toMatchObject({ code: 'KPI_CONFIG_INVALID', message: "sslmode 'required' is not one libpq knows" });
  });
});

// The TLS server is a PostgreSQL of this machine's, started for these tests: part of the server suite.
if (databaseKinds().includes('postgres')) {
  describe('sslmode, as libpq honours it', () => {
    let server: TlsServer;
    beforeAll(async () => {
      server = await startTlsServer();
    });
    afterAll(() => server?.stop());

    const at = (host: string, tls: Record<string, string>) => ({ host, port: server.port, user: 'postgres', database: 'postgres', poolSize: 1, tls });

    it('encrypts with require, verify-ca and verify-full, and not with disable', async () => {
      expect(await connectWith(at('127.0.0.1', { sslmode: 'require' }))).toEqual({ ssl: true });
      expect(await connectWith(at('127.0.0.1', { sslmode: 'verify-ca', sslrootcert: server.caFile }))).toEqual({ ssl: true });
      expect(await connectWith(at('localhost', { sslmode: 'verify-full', sslrootcert: server.caFile }))).toEqual({ ssl: true });
      expect(await connectWith(at('127.0.0.1', { sslmode: 'disable' }))).toEqual({ ssl: false });
      // Unset is libpq's prefer: TLS where the server has it...
      expect(await connectWith(at('127.0.0.1', {}))).toEqual({ ssl: true });
      // ...and a plain connection where it has none (the shared test server).
      expect(await connectWith({ url: process.env.KPI_TEST_PG_URL, poolSize: 1 })).toEqual({ ssl: false });
    });

    it('refuses verify-full to a host the certificate does not name, with a coded error', async () => {
      const wrongHost = await connectWith(at('127.0.0.1', { sslmode: 'verify-full', sslrootcert: server.caFile }));
      expect('error' in wrongHost && wrongHost.error).toBeInstanceOf(KpiError);
      const error = (wrongHost as { error: KpiError }).error;
      expect(error.code).toBe('KPI_CONNECTION_ERROR');
      expect(error.message).toMatch(/127\.0\.0\.1|altnames/);
      expect(error.hint).toMatch(/verify-full, that the host name is one the certificate names/);
    });

    it('reads sslmode from a URL as from a profile, through the binary', async () => {
      const dir = makeProject({
        'dbt_project.yml': 'name: tls\nprofile: tls\n',
        'profiles.yml': `tls:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: localhost\n      port: ${server.port}\n      user: postgres\n      dbname: postgres\n      schema: tls_test\n      sslmode: verify-full\n      sslrootcert: ${server.caFile}\n    wrong_host:\n      type: postgres\n      url: "postgresql://postgres@127.0.0.1:${server.port}/postgres?sslmode=verify-full&sslrootcert=${encodeURIComponent(server.caFile)}"\n      schema: tls_test\n`,
        'models/checks_tls.sql': 'select ssl from pg_stat_ssl where pid = pg_backend_pid()',
      });
      try {
        const built = await kpi(['run'], { cwd: dir });
        expect(built.code, built.stdout + built.stderr).toBe(0);
        const shown = await kpi(['show', '-s', 'checks_tls'], { cwd: dir });
        expect(shown.stdout).toMatch(/\btrue\b/);
        const refused = await kpi(['run', '--target', 'wrong_host'], { cwd: dir });
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/KPI_CONNECTION_ERROR: could not connect/);
      } finally {
        removeDir(dir);
      }
    });
  });
}
