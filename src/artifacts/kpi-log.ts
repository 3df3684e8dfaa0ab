import { appendFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../execution/types.js';
import { formatLocation } from '../errors.js';

/** As dbt's logs/dbt.log: rotated once it passes 10 MB, five old files kept. */
const MAX_BYTES = 10 * 1024 * 1024;
const KEEP = 5;
const FLUSH_MS = 100;

const pending = new Map<string, string[]>();
let timer: NodeJS.Timeout | null = null;

function flushAll(): void {
  timer = null;
  for (const [path, lines] of pending) {
    if (lines.length === 0) continue;
    try {
      appendFileSync(path, lines.join(''));
    } catch {
      // A log must never fail a command: a project folder removed while its lines waited loses them.
      pending.delete(path);
    }
    lines.length = 0;
  }
}

// Lines are buffered and appended in batches (a run of thousands of nodes must not pay a
// file append per event); whatever is left is written when the process exits.
process.on('exit', flushAll);

function rotate(path: string): void {
  if (!existsSync(path) || statSync(path).size < MAX_BYTES) return;
  for (let index = KEEP - 1; index >= 1; index--) {
    if (existsSync(`${path}.${index}`)) renameSync(`${path}.${index}`, `${path}.${index + 1}`);
  }
  renameSync(path, `${path}.1`);
}

/** One event as a log line: what the terminal shows, plus the detail it leaves out. */
function describe(event: RunEvent): { level: string; text: string } {
  switch (event.type) {
    case 'diagnostic': {
      const where = formatLocation(event.diagnostic.location);
      return { level: event.diagnostic.severity === 'error' ? 'error' : 'warn', text: `${event.diagnostic.code}: ${where ? `${where}: ` : ''}${event.diagnostic.message}` };
    }
    case 'run_started':
      return { level: 'info', text: `${event.command} started: ${JSON.stringify(event.counts)}, ${event.threads} threads, target ${event.target} (${event.adapter})` };
    case 'node_started':
      return { level: 'info', text: `${event.index} of ${event.total} START ${event.node.unique_id}` };
    case 'node_finished': {
      const { result } = event;
      const message = result.message ? `: ${result.message}` : '';
      return {
        level: result.status === 'error' || result.status === 'fail' ? 'error' : 'info',
        text: `${event.index} of ${event.total} ${result.status} ${result.unique_id} in ${result.execution_time}s${message}`,
      };
    }
    case 'batch_started':
      return { level: 'info', text: `batch ${event.batch.index} of ${event.batch.total} START ${event.batch.label} of ${event.node.unique_id}` };
    case 'batch_finished':
      return {
        level: event.status === 'error' ? 'error' : 'info',
        text: `batch ${event.batch.index} of ${event.batch.total} ${event.status} ${event.batch.label} of ${event.node.unique_id}: ${event.message}`,
      };
    case 'log':
      return { level: event.level, text: event.message };
    case 'run_finished':
      return { level: 'info', text: `${event.command} finished in ${event.elapsedSeconds.toFixed(2)}s: ${event.results.length} results` };
  }
}

/** `<log-path>/kpi.log`: every event of every invocation, debug lines included, secrets already redacted by the caller. */
export function kpiLog(logDir: string, invocationId: string): (event: RunEvent) => void {
  mkdirSync(logDir, { recursive: true });
  const path = join(logDir, 'kpi.log');
  if (!pending.has(path)) {
    rotate(path);
    pending.set(path, []);
  }
  const thread = invocationId.slice(0, 8);
  return (event) => {
    const { level, text } = describe(event);
    const lines = pending.get(path);
    if (!lines) return;
    lines.push(`${new Date().toISOString()} [${level}] [${thread}] ${text}\n`);
    timer ??= setTimeout(flushAll, FLUSH_MS).unref();
  };
}
