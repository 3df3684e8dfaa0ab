import { BLOCKING, type NodeResult } from '../execution/types.js';
import { yieldToEventLoop } from '../support/yield-to-event-loop.js';

export interface SchedulePlan {
  /** Nodes in a topological order; the order nodes start in when several are ready. */
  order: readonly string[];
  /** Each node's dependencies within the plan. */
  dependencies: ReadonlyMap<string, readonly string[]>;
}

export interface ScheduleOptions {
  threads: number;
  failFast: boolean;
  execute(id: string, index: number, threadId: string): Promise<NodeResult>;
  skip(id: string, index: number, reason: string): NodeResult;
  /** Once aborted, nothing new starts: every node not started yet is skipped. */
  signal?: AbortSignal;
}

/**
 * Start every node whose dependencies all succeeded, up to `threads` at once. A node
 * whose dependency failed or was skipped is skipped (its own descendants too); the run
 * goes on elsewhere. With `failFast`, nothing new starts after the first failure.
 */
export async function runSchedule(plan: SchedulePlan, options: ScheduleOptions): Promise<NodeResult[]> {
  const results = new Map<string, NodeResult>();
  const pending = new Set(plan.order);
  const running = new Map<string, Promise<void>>();
  const freeThreads = Array.from({ length: Math.max(1, options.threads) }, (_, i) => `Thread-${i + 1}`).reverse();
  let index = 0;
  let failed = false;

  const blockedBy = (id: string): string | undefined =>
    (plan.dependencies.get(id) ?? []).find((dependency) => {
      const result = results.get(dependency);
      return result !== undefined && BLOCKING.has(result.status);
    });
  const ready = (id: string): boolean => (plan.dependencies.get(id) ?? []).every((dependency) => results.has(dependency));

  while (pending.size > 0 || running.size > 0) {
    if (options.signal) await yieldToEventLoop();
    let progressed = false;
    for (const id of plan.order) {
      if (!pending.has(id)) continue;
      if (options.signal?.aborted) {
        pending.delete(id);
        results.set(id, options.skip(id, ++index, 'skipped: the run was interrupted'));
        progressed = true;
        continue;
      }
      if (failed && options.failFast) {
        pending.delete(id);
        results.set(id, options.skip(id, ++index, 'skipped: --fail-fast stopped the run after a failure'));
        progressed = true;
        continue;
      }
      const blocker = blockedBy(id);
      if (blocker !== undefined) {
        pending.delete(id);
        results.set(id, options.skip(id, ++index, `skipped because ${blocker} did not succeed`));
        progressed = true;
        continue;
      }
      if (!ready(id) || freeThreads.length === 0) continue;
      pending.delete(id);
      const threadId = freeThreads.pop() as string;
      const nodeIndex = ++index;
      progressed = true;
      running.set(
        id,
        options.execute(id, nodeIndex, threadId).then((result) => {
          results.set(id, result);
          if (BLOCKING.has(result.status) && result.status !== 'skipped') failed = true;
          running.delete(id);
          freeThreads.push(threadId);
        }),
      );
    }
    if (!progressed) {
      if (running.size === 0) {
        // Dependencies outside the plan can never finish: treat them as met.
        for (const id of pending) results.set(id, options.skip(id, ++index, 'skipped: a dependency was never scheduled'));
        break;
      }
      await Promise.race(running.values());
    }
  }
  return plan.order.map((id) => results.get(id)).filter((result): result is NodeResult => result !== undefined);
}
