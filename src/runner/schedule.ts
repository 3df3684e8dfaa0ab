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
  const order = options.threads > 1 ? longestChainsFirst(plan) : plan.order;

  while (pending.size > 0 || running.size > 0) {
    if (options.signal) await yieldToEventLoop();
    let progressed = false;
    for (const id of order) {
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

/**
 * The plan's order with the nodes that head the longest chains of dependents first (then
 * those more nodes wait on directly, then the plan's order): when several are ready, the one
 * the rest of the run waits on longest starts first. Its start matters beyond the thread it
 * takes: starting a node renders it on this process's one thread, so a node started ahead of
 * it delays it by its render (docs/benchmarks.md, the daily command). One thread runs
 * everything in turn, the same length in any order: there the plan's order stays (dbt's).
 */
export function longestChainsFirst(plan: SchedulePlan): string[] {
  const children = new Map<string, string[]>();
  for (const [id, dependencies] of plan.dependencies) {
    for (const dependency of dependencies) {
      const list = children.get(dependency);
      if (list) list.push(id);
      else children.set(dependency, [id]);
    }
  }
  const height = new Map<string, number>();
  // Children come after their parents in the plan's order: walking it backwards, each node's children are known.
  for (let index = plan.order.length - 1; index >= 0; index--) {
    const id = plan.order[index];
    let tallest = 0;
    for (const child of children.get(id) ?? []) tallest = Math.max(tallest, height.get(child) ?? 0);
    height.set(id, tallest + 1);
  }
  const position = new Map(plan.order.map((id, index) => [id, index]));
  const fanOut = (id: string) => children.get(id)?.length ?? 0;
  return [...plan.order].sort((a, b) => (height.get(b) ?? 0) - (height.get(a) ?? 0) || fanOut(b) - fanOut(a) || (position.get(a) ?? 0) - (position.get(b) ?? 0));
}
