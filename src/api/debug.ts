import { join } from 'node:path';
import { openAdapter } from './open-adapter.js';
import { type LoadOptions } from '../config/load-project.js';
import type { TargetConfig } from '../config/profiles.js';
import { errorMessage } from '../errors.js';
import { KPI_VERSION } from '../manifest/version.js';
import { load } from './features.js';

export interface DebugReport {
  kpiVersion: string;
  nodeVersion: string;
  projectFile: string;
  profileName: string | null;
  target: Record<string, unknown>;
  connection: { ok: boolean; message: string; serverVersion?: string };
}

function redactedTarget(target: TargetConfig): Record<string, unknown> {
  const shown: Record<string, unknown> = { ...target };
  if ('password' in shown && shown.password) shown.password = '****';
  if (typeof shown.url === 'string') {
    const url = new URL(shown.url);
    if (url.password) url.password = '****';
    shown.url = url.toString();
  }
  return shown;
}

/** `kpi debug`: the configuration kpi resolved and whether it can reach the database. Never prints a password. */
export async function debug(options: LoadOptions = {}): Promise<DebugReport> {
  const loaded = load(options);
  const report: DebugReport = {
    kpiVersion: KPI_VERSION,
    nodeVersion: process.version,
    projectFile: join(loaded.config.projectDir, loaded.config.projectFile),
    profileName: loaded.config.profile,
    target: redactedTarget(loaded.target),
    connection: { ok: false, message: '' },
  };
  try {
    const adapter = await openAdapter(loaded.target, { wait: false });
    try {
      const version = await adapter.withConnection((connection) => connection.query<{ version: string }>('select version() as version'));
      report.connection = { ok: true, message: `connected to ${adapter.describe()}`, serverVersion: version.rows[0]?.version };
    } finally {
      await adapter.close();
    }
  } catch (error) {
    let message = errorMessage(error);
    for (const secret of loaded.secrets) message = message.split(secret).join('****');
    report.connection = { ok: false, message };
  }
  return report;
}
