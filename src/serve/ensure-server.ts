import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { processAlive, readLockHolder, SERVE_COMMAND, type LockHolder, type ServedAddress } from '../adapters/pglite/lock-holder.js';
import { lockFileOf } from '../adapters/pglite/open-pglite.js';
import { KpiError } from '../errors.js';
import { probeServer } from './probe-server.js';
import { embeddedServerUrl } from './server-url.js';

export const DEFAULT_SERVE_PORT = 5433;

export interface EnsureServerOptions {
  host: string;
  /** Without one, 5433 when it is free, else any free port. */
  port?: number;
  maxConnections: number;
  /** Called once when another kpi process holds the database and the new server waits for it. */
  onWaiting?: () => void;
  /** How long a server that has the database may take to listen. */
  startTimeoutMs?: number;
}

export interface EnsuredServer {
  url: string;
  pid: number;
  /** False when a server was already running and is reused. */
  started: boolean;
  log: string;
}

/** The background server writes its output here, beside the data directory. */
export function serveLogOf(dataDir: string): string {
  return `${dataDir}.serve.log`;
}

function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

function lastLines(file: string, count = 5): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-count).join('\n');
  } catch {
    return '';
  }
}

function liveServer(holder: LockHolder | null): (LockHolder & { server: ServedAddress }) | null {
  return holder && holder.command === SERVE_COMMAND && holder.server && processAlive(holder.pid) ? (holder as LockHolder & { server: ServedAddress }) : null;
}

async function answering(holder: LockHolder & { server: ServedAddress }, log: string, started: boolean): Promise<EnsuredServer> {
  const probe = await probeServer(holder.server);
  if (!probe.ok) {
    throw new KpiError('KPI_SERVE_FAILED', `kpi serve (pid ${holder.pid}) holds the embedded database but does not answer on ${holder.server.host}:${holder.server.port}: ${probe.reason}`, {
      hint: `stop it with \`kpi serve --stop\` (or \`kill ${holder.pid}\`) and try again`,
    });
  }
  return { url: embeddedServerUrl(holder.server), pid: holder.pid, started, log };
}

/**
 * Make sure a `kpi serve` serves the embedded database at `dataDir`: reuse the one whose
 * address the lock file records, or start one detached in the background (the same
 * binary, `kpi serve --data-dir`), wait until it answers queries, and say where it is.
 * The lock file records its pid and port; its output goes to `<dataDir>.serve.log`.
 */
export async function ensureServer(dataDir: string, options: EnsureServerOptions): Promise<EnsuredServer> {
  const lockFile = lockFileOf(dataDir);
  const log = serveLogOf(dataDir);
  const running = liveServer(readLockHolder(lockFile));
  if (running) return answering(running, log, false);

  const port = options.port ?? ((await portFree(DEFAULT_SERVE_PORT, options.host)) ? DEFAULT_SERVE_PORT : 0);
  const binary = fileURLToPath(new URL('../../bin/kpi.js', import.meta.url));
  mkdirSync(dirname(dataDir), { recursive: true });
  const output = openSync(log, 'w');
  const child = spawn(process.execPath, [binary, 'serve', '--data-dir', dataDir, '--host', options.host, '--port', String(port), '--max-connections', String(options.maxConnections)], {
    detached: true,
    stdio: ['ignore', output, output],
  });
  closeSync(output);
  let exited = false;
  child.once('exit', () => (exited = true));
  child.unref();

  const startTimeout = options.startTimeoutMs ?? 60_000;
  let deadline = Date.now() + startTimeout;
  let warned = false;
  for (;;) {
    const holder = readLockHolder(lockFile);
    const server = liveServer(holder);
    // Another `--print-url` may have won the race: its server is as good as ours.
    if (server) return answering(server, log, server.pid === child.pid);
    if (exited) {
      throw new KpiError('KPI_SERVE_FAILED', `kpi serve stopped before it listened:\n${lastLines(log) || '(no output)'}`, { hint: `its whole output is in ${log}` });
    }
    if (holder && holder.pid !== child.pid && processAlive(holder.pid)) {
      // A run holds the database: the server starts when it finishes, however long that is.
      if (!warned) options.onWaiting?.();
      warned = true;
      deadline = Date.now() + startTimeout;
    } else if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new KpiError('KPI_SERVE_FAILED', `kpi serve did not start listening within ${startTimeout / 1000}s`, { hint: `its output is in ${log}` });
    }
    await sleep(100);
  }
}
