import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** A `kpi serve` process's listening address, as its lock file records it. */
export interface ServedAddress {
  host: string;
  port: number;
}

/**
 * Who holds an embedded database: the lock file beside the data directory says which
 * process (`pid`), what it is (`kpi` for a run, `kpi serve` for a server) and, for a
 * server that is listening, where other kpi commands can reach the database.
 */
export interface LockHolder {
  pid: number;
  command: string;
  server: ServedAddress | null;
}

export const SERVE_COMMAND = 'kpi serve';

/** The lock file's text: `pid`, the command, and `host:port` once a server listens. */
export function formatLockHolder(holder: LockHolder): string {
  const lines = [String(holder.pid), holder.command];
  if (holder.server) lines.push(`${holder.server.host}:${holder.server.port}`);
  return `${lines.join('\n')}\n`;
}

function parseAddress(text: string | undefined): ServedAddress | null {
  const match = /^(.+):(\d+)$/.exec(text?.trim() ?? '');
  if (!match) return null;
  const port = Number(match[2]);
  return port > 0 && port < 65536 ? { host: match[1], port } : null;
}

/** The holder a lock file names, or null when there is no lock file (or it is not one of ours). */
export function readLockHolder(file: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const [pidLine, command, address] = text.split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, command: command?.trim() || 'kpi', server: parseAddress(address) };
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Rewrite a lock this process holds, e.g. to add the address once the server listens.
 * Written beside it and renamed over it, so a reader never sees half a file.
 */
export function rewriteOwnLock(file: string, holder: LockHolder): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, formatLockHolder(holder));
  renameSync(temporary, file);
}
