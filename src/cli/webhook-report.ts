import type { WebhookOutcome } from '../api/alerts.js';

/** What `--webhook` / `--dry-run` did: a line for stderr, and for a dry run the payload for stdout. */
export function webhookReport(outcome: WebhookOutcome | null): { out: string; err: string } {
  if (!outcome) return { out: '', err: '' };
  const count = `${outcome.changes.length} status ${outcome.changes.length === 1 ? 'change' : 'changes'}`;
  const where = outcome.endpoint ? ` to ${outcome.endpoint}` : '';
  if (!outcome.payload) {
    return { out: '', err: `No KPI status changed since the previous as-of date: nothing ${outcome.dryRun ? 'would be' : 'was'} posted${where}.\n` };
  }
  if (outcome.dryRun) return { out: `${JSON.stringify(outcome.payload, null, 2)}\n`, err: `Dry run: would post ${count}${where}:\n` };
  if (outcome.delivery) {
    const attempts = outcome.delivery.attempts > 1 ? ` (after ${outcome.delivery.attempts} attempts)` : '';
    return { out: '', err: `Posted ${count}${where}${attempts}.\n` };
  }
  return { out: '', err: '' };
}
