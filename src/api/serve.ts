import { resolve } from 'node:path';
import { type LoadOptions } from '../config/load-project.js';
import type { PgliteTarget, TargetConfig } from '../config/profiles.js';
import { KpiError } from '../errors.js';
import { ensureServer, type EnsuredServer } from '../serve/ensure-server.js';
import { postgresTargetUrl } from '../serve/postgres-target-url.js';
import { serveEmbedded, type EmbeddedServer } from '../serve/serve-embedded.js';
import { stopServer as stopEmbeddedServer, type StopOutcome } from '../serve/stop-server.js';
import { load } from './features.js';

export interface ServeOptions extends LoadOptions {
  host?: string;
  port?: number;
  /** Client connections the embedded server takes at once (default 16). */
  maxConnections?: number;
  /** Serve this embedded data directory instead of the target's (how --print-url starts its background server). */
  dataDir?: string;
  /** Fail at once if a kpi run holds the database, instead of waiting for it. */
  noWait?: boolean;
  onWaiting?: () => void;
}

export interface ForegroundServeOptions extends ServeOptions {
  /** Serving stops when this aborts (the CLI aborts on SIGINT and SIGTERM). */
  signal: AbortSignal;
  onListening?: (server: EmbeddedServer & { schema: string | null }) => void;
}

/** What `kpi serve` did: served the embedded database until stopped, or found a server that needs no serving. */
export type ServeOutcome = { kind: 'embedded'; server: EmbeddedServer } | { kind: 'postgres'; target: string; url: string };

export interface ServerUrl {
  url: string;
  /** True when a `postgres` target's password was left out of the URL. */
  passwordHidden: boolean;
  /** The embedded server: whether this call started it, its pid and its log file. */
  server?: EnsuredServer;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_MAX_CONNECTIONS = 16;

function servedTarget(options: ServeOptions): TargetConfig {
  if (options.dataDir) return { type: 'pglite', name: 'serve', profileName: 'serve', schema: '', threads: 1, path: resolve(options.dataDir) };
  return load(options).target;
}

function persistentPath(target: PgliteTarget, what: string): string {
  if (!target.path) {
    throw new KpiError('KPI_USAGE', `target '${target.name}' is an in-memory embedded database: there is nothing for ${what} to share between processes`, {
      hint: 'give the pglite target a path (the default is .kpi/pglite), or run `kpi serve` in the foreground',
    });
  }
  return target.path;
}

/**
 * `kpi serve`: serve the target's embedded database over the Postgres wire protocol,
 * in this process, until `signal` aborts. A `postgres` target is a server already:
 * nothing is started and its URL (without the password) is returned.
 */
export async function serve(options: ForegroundServeOptions): Promise<ServeOutcome> {
  const target = servedTarget(options);
  if (target.type === 'postgres') return { kind: 'postgres', target: target.name, url: postgresTargetUrl(target).url };
  const server = await serveEmbedded({
    dataDir: target.path,
    host: options.host ?? DEFAULT_HOST,
    port: options.port ?? 5433,
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    lock: { wait: !options.noWait, onWaiting: options.onWaiting },
    signal: options.signal,
    onListening: (info) => options.onListening?.({ ...info, schema: options.dataDir ? null : target.schema }),
  });
  return { kind: 'embedded', server };
}

/**
 * `kpi serve --print-url`: the URL that reaches the target's database. For the embedded
 * database, a server is started in the background first unless one is running.
 */
export async function serverUrl(options: ServeOptions & { showPassword?: boolean }): Promise<ServerUrl> {
  const target = servedTarget(options);
  if (target.type === 'postgres') return postgresTargetUrl(target, { showPassword: options.showPassword });
  const server = await ensureServer(persistentPath(target, 'kpi serve --print-url'), {
    host: options.host ?? DEFAULT_HOST,
    port: options.port,
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    onWaiting: options.onWaiting,
  });
  return { url: server.url, passwordHidden: false, server };
}

/** `kpi serve --stop`: stop the server holding the target's embedded database, if one does. */
export async function stopServer(options: ServeOptions = {}): Promise<StopOutcome & { dataDir: string | null }> {
  const target = servedTarget(options);
  if (target.type === 'postgres' || !target.path) return { stopped: false, dataDir: null };
  return { ...(await stopEmbeddedServer(target.path)), dataDir: target.path };
}
