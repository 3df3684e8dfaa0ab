import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteAdapter } from '../../src/adapters/pglite/pglite-adapter.js';
import { alertTablesSql, webhookServer } from '../helpers/alert-tables.js';
import { kpi, profileYaml } from '../helpers/cli.js';
import { databaseKinds, openTestDatabase, uniqueSchema, type TestDatabase } from '../helpers/databases.js';
import { makeProject, removeDir } from '../helpers/fixtures.js';

for (const kind of databaseKinds()) {
  describe(`the kpi alerts binary on ${kind}`, () => {
    let db: TestDatabase | undefined;
    let dir: string;
    const run = (args: string[]) => kpi(['alerts', '--project-dir', dir, '--profiles-dir', dir, ...args]);

    beforeAll(async () => {
      const schema = kind === 'postgres' ? (db = await openTestDatabase(kind)).target().schema : uniqueSchema();
      dir = makeProject({ 'kpi_project.yml': 'name: alerting\nprofile: alerting\n', 'profiles.yml': profileYaml('alerting', kind, schema) });
      if (db) {
        await db.adapter.withConnection((connection) => connection.execute(alertTablesSql(schema)));
      } else {
        // The binary opens the project's embedded database: the tables go there.
        const embedded = await PgliteAdapter.open({ dataDir: join(dir, '.kpi/pglite'), lock: { wait: true } });
        await embedded.withConnection((connection) => connection.execute(alertTablesSql(schema)));
        await embedded.close();
      }
    });
    afterAll(async () => {
      removeDir(dir);
      await db?.close();
    });

    it('prints the board and sets the exit code a scheduler reads', async () => {
      const failing = await run(['--fail-on', 'red']);
      expect(failing.stderr).toBe('');
      expect(failing.code).toBe(1);
      expect(failing.stdout).toMatch(/^KPI board 2025-03-31, 7-day window: 7 KPIs, 2 red · 2 yellow · 2 green · 1 grey \(\S+\.kpi_serving\)\n\| status /);

      const calm = await run(['--fail-on', 'red', '--status', 'yellow,green', '--entity', 'NAPA', '--format', 'csv']);
      expect(calm.code).toBe(0);
      expect(calm.stdout.split('\r\n').map((line) => line.split(',').slice(2, 5).join(','))).toEqual(['status,kpi_id,kpi_code', 'yellow,7,LEADS', 'green,1,TR_WINE', 'green,2,TR_FEES', '']);

      const usage = await run(['--format', 'xml']);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toBe("KPI_USAGE: --format takes table, json, csv, markdown, got 'xml'\n");
      const badStatus = await run(['--status', 'red,amber']);
      expect(badStatus.code).toBe(2);
      expect(badStatus.stderr).toMatch(/^KPI_USAGE: --status 'amber' is not a status\./);
    });

    it('posts the status changes, previews them with --dry-run, and exits 1 naming a failing endpoint without its secret', async () => {
      const endpoint = await webhookServer([200]);
      try {
        const posted = await run(['--webhook', endpoint.url, '--format', 'json']);
        expect(posted.code).toBe(0);
        expect(JSON.parse(posted.stdout).rows).toHaveLength(7);
        expect(posted.stderr).toBe(`Posted 3 status changes to ${new URL(endpoint.url).origin}/services/***.\n`);
        expect(endpoint.received).toHaveLength(1);

        const dry = await run(['--webhook', endpoint.url, '--dry-run', '--date', '2025-03-30', '--format', 'markdown']);
        expect(dry.code).toBe(0);
        expect(dry.stderr).toBe(`Dry run: would post 1 status change to ${new URL(endpoint.url).origin}/services/***:\n`);
        const payload = JSON.parse(dry.stdout.slice(dry.stdout.indexOf('\n{') + 1));
        expect(payload.text).toBe('KPI status changes · 2025-03-30 · 7-day window: Total revenue (All locations) yellow → red');
        expect(endpoint.received).toHaveLength(1);

        const quiet = await run(['--webhook', endpoint.url, '--date', '2025-03-30', '--entity', '1']);
        expect(quiet.code).toBe(0);
        expect(quiet.stderr).toBe(`No KPI status changed since the previous as-of date: nothing was posted to ${new URL(endpoint.url).origin}/services/***.\n`);
        expect(endpoint.received).toHaveLength(1);
      } finally {
        await endpoint.close();
      }

      const broken = await webhookServer([500]);
      try {
        const failed = await run(['--webhook', broken.url, '--fail-on', 'red']);
        expect(failed.code).toBe(1);
        expect(broken.received).toHaveLength(3);
        expect(failed.stdout).toMatch(/^KPI board 2025-03-31/);
        expect(failed.stderr).toBe(
          `KPI_WEBHOOK_FAILED: posting to ${new URL(broken.url).origin}/services/*** failed after 3 attempts: HTTP 500 Internal Server Error: internal error\n` +
            '  hint: nothing was posted; running kpi alerts --webhook again for the same date posts the same changes\n',
        );
        expect(`${failed.stdout}${failed.stderr}`).not.toMatch(/s3cr3t/);
      } finally {
        await broken.close();
      }
    });
  });
}
