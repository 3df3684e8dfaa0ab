import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KpiError, errorMessage } from '../errors.js';

/** Where a local HTTP server listens (IPv6 hosts bracketed in the URL). */
export interface ListeningServer {
  url: string;
  host: string;
  port: number;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** Serving stops when this aborts. */
  signal: AbortSignal;
  onListening?: (server: ListeningServer) => void;
}

/**
 * Listen on host:port, report where, and keep serving until the signal aborts; then close
 * open connections too (a browser keeps them alive) so the command ends at once.
 */
export async function listenUntilAborted(server: Server, options: ListenOptions): Promise<ListeningServer> {
  try {
    server.listen(options.port, options.host);
    await once(server, 'listening');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KpiError(
      'KPI_SERVE_FAILED',
      code === 'EADDRINUSE' ? `port ${options.port} on ${options.host} is already in use` : `could not listen on ${options.host}:${options.port}: ${errorMessage(error)}`,
      {
        cause: error,
        hint: 'pick another with --port (0 lets the system choose one)',
      },
    );
  }
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const info = { url: `http://${host}:${port}/`, host: options.host, port };
  options.onListening?.(info);
  if (!options.signal.aborted) await once(options.signal, 'abort');
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
  return info;
}
