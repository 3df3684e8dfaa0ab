import { createRequire } from 'node:module';
import type * as Pg from 'pg';

const require = createRequire(import.meta.url);
let loaded: typeof Pg | undefined;

/**
 * The `pg` package. On Node 20, which has no global `navigator`, pg asks whether it runs on
 * Cloudflare by building a fetch `Response`, and that loads Node's fetch (undici): 30-50 ms of
 * CPU in every command that opens a server. A `navigator` saying Node.js answers the question
 * first; it is there only while pg loads, so nothing else ever sees it (PGlite and others read
 * `navigator` to tell a browser). Where Node has its own `navigator` (21 and later), it is left
 * alone.
 */
export function loadPg(): typeof Pg {
  if (loaded) return loaded;
  if ('navigator' in globalThis) return (loaded = require('pg') as typeof Pg);
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: `Node.js/${process.version}` }, configurable: true, writable: true });
  try {
    return (loaded = require('pg') as typeof Pg);
  } finally {
    delete (globalThis as { navigator?: unknown }).navigator;
  }
}
