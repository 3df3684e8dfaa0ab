import { KpiError } from '../errors.js';

/**
 * nunjucks renders synchronously, but database calls are async. A template that calls
 * `run_query` is rendered by deterministic replay: each render answers the calls it has
 * results for, in order; at the first call it has none for, it records the call and
 * stops. The caller runs that call on the node's own connection and renders again.
 * Templates are deterministic, so a render with k answered calls replays the same first k
 * calls; each statement runs exactly once, in order, on the node's connection (so a
 * temporary table made by one call is visible to the next).
 */
export class RenderSession {
  private readonly answers: Array<{ key: string; value: unknown }> = [];
  private cursor = 0;
  private pending: { key: string; run: () => Promise<unknown> } | null = null;
  /** The last KpiError a context function raised, kept because nunjucks rewraps errors. */
  raised: KpiError | null = null;

  constructor(readonly canQuery: boolean) {}

  /** Answer a call from an earlier round, or stop this round so the caller can run it. */
  call(key: string, run: () => Promise<unknown>): unknown {
    if (this.cursor < this.answers.length) {
      const answer = this.answers[this.cursor++];
      if (answer.key !== key) {
        throw this.raise(
          new KpiError('KPI_COMPILER_ERROR', 'the template made different database calls when rendered again; calls must not depend on time or randomness', {
            hint: `expected ${answer.key.slice(0, 80)}, got ${key.slice(0, 80)}`,
          }),
        );
      }
      return answer.value;
    }
    this.pending = { key, run };
    throw new PendingCall();
  }

  raise(error: KpiError): KpiError {
    this.raised = error;
    return error;
  }

  /** Render until every database call has been answered. */
  async render<T>(renderOnce: () => T): Promise<T> {
    for (let round = 0; round < 10_000; round++) {
      this.cursor = 0;
      this.pending = null;
      this.raised = null;
      try {
        return renderOnce();
      } catch (error) {
        const pending = this.pending as { key: string; run: () => Promise<unknown> } | null;
        if (!pending) throw error;
        this.answers.push({ key: pending.key, value: await pending.run() });
      }
    }
    throw new KpiError('KPI_COMPILER_ERROR', 'the template made more than 10,000 database calls');
  }
}

/** Stops a render at a database call it has no answer for yet. Never reaches the user. */
export class PendingCall extends Error {
  constructor() {
    super('a database call is pending');
  }
}
