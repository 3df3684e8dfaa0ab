import { describe, expect, it } from 'vitest';
import type { NodeResult } from '../../src/execution/types.js';
import { longestChainsFirst, runSchedule, type SchedulePlan } from '../../src/runner/schedule.js';

/** The daily command's shape: fact -> (dashboard -> payload), (thresholds -> serving, history), and a lone node. */
const PLAN: SchedulePlan = {
  order: ['fact', 'lone', 'dashboard', 'thresholds', 'payload', 'history', 'serving'],
  dependencies: new Map([
    ['fact', []],
    ['lone', []],
    ['dashboard', ['fact']],
    ['thresholds', ['fact']],
    ['payload', ['dashboard']],
    ['history', ['thresholds']],
    ['serving', ['thresholds']],
  ]),
};

/** The order nodes start in, each finishing after `delay` ms (a macrotask, so ready nodes start together). */
async function startOrder(threads: number): Promise<string[]> {
  const started: string[] = [];
  await runSchedule(PLAN, {
    threads,
    failFast: false,
    execute: async (id, index) => {
      started.push(`${index} ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { unique_id: id, status: 'success' } as NodeResult;
    },
    skip: (id) => ({ unique_id: id, status: 'skipped' }) as NodeResult,
  });
  return started;
}

describe('which ready node starts first', () => {
  it('puts the heads of the longest chains first, then those more nodes wait on, then the plan order', () => {
    expect(longestChainsFirst(PLAN)).toEqual(['fact', 'thresholds', 'dashboard', 'lone', 'payload', 'history', 'serving']);
  });

  it('starts the node the rest of the run waits on longest first when several threads are free', async () => {
    expect(await startOrder(4)).toEqual(['1 fact', '2 lone', '3 thresholds', '4 dashboard', '5 history', '6 serving', '7 payload']);
  });

  it("keeps the plan's order with one thread (the run is as long in any order)", async () => {
    expect(await startOrder(1)).toEqual(['1 fact', '2 lone', '3 dashboard', '4 thresholds', '5 payload', '6 history', '7 serving']);
  });
});
