import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { RunLockOptions } from '../adapters/adapter.js';
import { readLockHolder, rewriteOwnLock, SERVE_COMMAND, type ServedAddress } from '../adapters/pglite/lock-holder.js';
import { lockFileOf, openPglite } from '../adapters/pglite/open-pglite.js';
import { KpiError, errorMessage } from '../errors.js';
import { connectableHost, embeddedServerUrl } from './server-url.js';

export interface EmbeddedServer {
  url: string;
  host: string;
  port: number;
  pid: number;
  /** The data directory served, or null for an in-memory database. */
  dataDir: string | null;
}

export interface ServeEmbeddedOptions {
  dataDir: string | null;
  host: string;
  /** 0 lets the system pick a free port. */
  port: number;
  /** Client connections at once, multiplexed onto PGlite's one session. */
  maxConnections: number;
  lock: RunLockOptions;
  /** Serving stops when this aborts. */
  signal: AbortSignal;
  onListening?: (server: EmbeddedServer) => void;
}

function alreadyServed(dataDir: string): KpiError {
  const holder = readLockHolder(lockFileOf(dataDir));
  const where = holder?.server ? ` at ${embeddedServerUrl(holder.server)}` : '';
  return new KpiError('KPI_LOCKED', `kpi serve (pid ${holder?.pid ?? '?'}) already serves the embedded database ${dataDir}${where}`, {
    hint: 'connect to it (`kpi serve --print-url` prints its URL), or stop it with `kpi serve --stop`',
  });
}

function listenFailure(error: unknown, host: string, port: number): KpiError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new KpiError('KPI_SERVE_FAILED', `port ${port} on ${host} is already in use`, { hint: 'pick another with --port (0 lets the system choose one)' });
  }
  return new KpiError('KPI_SERVE_FAILED', `could not listen on ${host}:${port}: ${errorMessage(error)}`, { cause: error });
}

/**
 * Serve the embedded database over the Postgres wire protocol until `signal` aborts:
 * take the database's lock as `kpi serve`, listen, then record the address in the lock
 * file, which is how other kpi commands find the server and connect through it.
 * Stopping closes the clients, then the database, then releases the lock.
 */
export async function serveEmbedded(options: ServeEmbeddedOptions): Promise<EmbeddedServer> {
  const dataDir = options.dataDir ?? undefined;
  const opened = await openPglite(dataDir, SERVE_COMMAND, { ...options.lock, signal: options.signal, yieldTo: (holder) => holder.command === SERVE_COMMAND });
  if (!opened.acquired) throw alreadyServed(options.dataDir as string);
  const { db, release } = opened;
  let server: PGLiteSocketServer | null = null;
  try {
    server = new PGLiteSocketServer({ db, host: options.host, port: options.port, maxConnections: options.maxConnections });
    try {
      await server.start();
    } catch (error) {
      server = null;
      throw listenFailure(error, options.host, options.port);
    }
    const port = Number(server.getServerConn().split(':').pop());
    const address: ServedAddress = { host: connectableHost(options.host), port };
    if (dataDir) rewriteOwnLock(lockFileOf(dataDir), { pid: process.pid, command: SERVE_COMMAND, server: address });
    const info: EmbeddedServer = { url: embeddedServerUrl(address), host: address.host, port, pid: process.pid, dataDir: options.dataDir };
    options.onListening?.(info);
    if (!options.signal.aborted) await once(options.signal, 'abort');
    return info;
  } finally {
    if (server) {
      await server.stop();
      // stop() detaches each client without waiting; a client inside a transaction is
      // rolled back on the database, which must still be open for it.
      await sleep(50);
    }
    try {
      await db.close();
    } finally {
      await release();
    }
  }
}
