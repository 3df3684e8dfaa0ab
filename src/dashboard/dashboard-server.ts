import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { errorMessage } from '../errors.js';
import { listenUntilAborted, type ListenOptions, type ListeningServer } from '../support/listen-until-aborted.js';
import type { DashboardSource } from './dashboard-source.js';
import { handleApi, isApiPath } from './handle-api.js';
import { CONTENT_SECURITY_POLICY, renderPage } from './render-page.js';

export type DashboardServer = ListeningServer;

export interface DashboardServerOptions extends ListenOptions {
  /** How often an open page checks for a new build, in seconds (default 30; 0: never). */
  pollSeconds?: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

const HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** On a loopback address, a request must name a loopback host: a web page elsewhere cannot reach the API by rebinding its DNS name to 127.0.0.1. */
function hostAllowed(request: IncomingMessage, boundHost: string): boolean {
  if (!LOOPBACK.has(boundHost)) return true;
  const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  return LOOPBACK.has(host);
}

function send(response: ServerResponse, head: boolean, status: number, contentType: string, body: string, extra: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, 'utf8');
  response.writeHead(status, { ...HEADERS, ...extra, 'content-type': `${contentType}; charset=utf-8`, 'content-length': bytes.length });
  response.end(head ? undefined : bytes);
}

/**
 * Serve the dashboard until `signal` aborts: the page at /, /kpi/<code> (the serving
 * table's links) and /backtest, the JSON API under /api/ and /metrics. GET and HEAD only.
 */
export async function serveDashboard(source: DashboardSource, options: DashboardServerOptions): Promise<DashboardServer> {
  const page = renderPage({ mode: 'live', responses: null, pollSeconds: options.pollSeconds ?? 30, start: null });
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const head = request.method === 'HEAD';
    if (request.method !== 'GET' && !head) {
      send(response, false, 405, 'application/json', JSON.stringify({ error: `${request.method ?? 'this method'} is not allowed: the dashboard only reads` }), { allow: 'GET, HEAD' });
      return;
    }
    if (!hostAllowed(request, options.host)) {
      send(response, head, 403, 'application/json', JSON.stringify({ error: 'requests must be addressed to this machine (127.0.0.1 or localhost)' }));
      return;
    }
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      send(response, head, 400, 'application/json', JSON.stringify({ error: 'not a valid request path' }));
      return;
    }
    if (isApiPath(url.pathname)) {
      const answer = await handleApi(source, url.pathname, url.searchParams);
      send(response, head, answer.status, answer.contentType, answer.text);
      return;
    }
    if (url.pathname === '/' || url.pathname === '/backtest' || /^\/kpi\/[^/]+\/?$/.test(url.pathname)) {
      send(response, head, 200, 'text/html', page, { 'content-security-policy': CONTENT_SECURITY_POLICY });
      return;
    }
    if (url.pathname === '/favicon.ico') {
      response.writeHead(204, HEADERS);
      response.end();
      return;
    }
    send(response, head, 404, 'text/plain', 'not found: the dashboard is at /, its API under /api/, metrics at /metrics\n');
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, false, 500, 'application/json', JSON.stringify({ error: errorMessage(error) }));
      else response.destroy();
    });
  });
  // An open page asks for the data version every 30 s: its connection stays open between.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  return listenUntilAborted(server, options);
}
