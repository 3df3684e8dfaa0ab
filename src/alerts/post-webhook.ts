import { setTimeout as sleep } from 'node:timers/promises';
import { KpiError } from '../errors.js';
import { redactEndpoint } from './redact-endpoint.js';

export interface WebhookOptions {
  /** How long one attempt may take, in milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Attempts in all (default 3). */
  attempts?: number;
  /** The wait before the second attempt, doubled before each later one (default 1 000 ms). */
  backoffMs?: number;
}

export interface WebhookDelivery {
  attempts: number;
  status: number;
}

type Attempt = { ok: true; status: number } | { ok: false; problem: string; retry: boolean; waitMs?: number; hint?: string };

const MAX_RETRY_AFTER_MS = 30_000;

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

function bodySnippet(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line ? `: ${line.length > 200 ? `${line.slice(0, 200)}…` : line}` : '';
}

/** Retry-After in seconds (what Slack sends with a 429), capped so a scheduler is not held for long. */
function retryAfterMs(header: string | null): number | undefined {
  const value = header === null ? NaN : Number(header);
  return Number.isFinite(value) && value >= 0 ? Math.min(value * 1000, MAX_RETRY_AFTER_MS) : undefined;
}

function networkProblem(error: unknown, url: string, endpoint: string): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const text = cause?.message ?? (error as Error).message ?? String(error);
  // Node's messages name host and port, not the path; scrub the address anyway.
  return text.split(url).join(endpoint);
}

async function attemptOnce(url: string, endpoint: string, body: string, timeoutMs: number): Promise<Attempt> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    if (response.ok) return { ok: true, status: response.status };
    const problem = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${bodySnippet(text)}`;
    if (response.status >= 500 || response.status === 429) return { ok: false, problem, retry: true, waitMs: retryAfterMs(response.headers.get('retry-after')) };
    return { ok: false, problem, retry: false, hint: 'the endpoint refused the message; check the webhook URL (a 4xx answer is not retried)' };
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') {
      // Not retried: a slow endpoint may have taken the message, and a retry would post it twice.
      return { ok: false, problem: `no answer within ${seconds(timeoutMs)}`, retry: false, hint: 'check the endpoint, or allow it longer with --webhook-timeout' };
    }
    return { ok: false, problem: networkProblem(error, url, endpoint), retry: true };
  }
}

/**
 * POST `payload` as JSON. A 5xx, a 429 or a network error is tried again after a backoff
 * (1 s, then 2 s by default); anything else fails at once. Failure is a KPI_WEBHOOK_FAILED
 * naming the endpoint with the secret part of its address redacted.
 */
export async function postWebhook(url: string, payload: unknown, options: WebhookOptions = {}): Promise<WebhookDelivery> {
  const endpoint = redactEndpoint(url);
  const attempts = Math.max(1, options.attempts ?? 3);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const backoffMs = options.backoffMs ?? 1_000;
  const body = JSON.stringify(payload);
  for (let attempt = 1; ; attempt++) {
    const result = await attemptOnce(url, endpoint, body, timeoutMs);
    if (result.ok) return { attempts: attempt, status: result.status };
    if (!result.retry || attempt >= attempts) {
      throw new KpiError('KPI_WEBHOOK_FAILED', `posting to ${endpoint} failed${attempt > 1 ? ` after ${attempt} attempts` : ''}: ${result.problem}`, {
        hint: result.hint ?? 'nothing was posted; running kpi alerts --webhook again for the same date posts the same changes',
      });
    }
    await sleep(result.waitMs ?? backoffMs * 2 ** (attempt - 1));
  }
}
