import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, relative, resolve, sep } from 'node:path';
import { listenUntilAborted, type ListenOptions, type ListeningServer } from '../support/listen-until-aborted.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.sql': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

export type StaticServer = ListeningServer;

/** The file a request path names inside `root`, or null when it points outside it (`/../`, encoded or not). */
function fileFor(root: string, requestPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(requestPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
  const inside = relative(root, file);
  return inside.startsWith('..') || inside.startsWith(sep) || resolve(root, inside) !== file ? null : file;
}

/**
 * Serve the files under `root` over HTTP (GET and HEAD) until `signal` aborts: what
 * `kpi docs serve` does with target/. Never serves a file outside `root`.
 */
export async function serveStatic(root: string, options: ListenOptions): Promise<StaticServer> {
  const server = createServer((request, response) => {
    const file = request.method === 'GET' || request.method === 'HEAD' ? fileFor(root, request.url ?? '/') : null;
    let size = -1;
    try {
      if (file && statSync(file).isFile()) size = statSync(file).size;
    } catch {
      // Missing: answered as 404 below.
    }
    if (!file || size < 0) {
      response.writeHead(request.method === 'GET' || request.method === 'HEAD' ? 404 : 405, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('not found\n');
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': 'no-cache' });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  return listenUntilAborted(server, options);
}
