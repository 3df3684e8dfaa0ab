import type { QueryResult } from '../adapters/adapter.js';
import type { MaterializationContext } from './materialization.js';
import { runHooks } from './relation-extras.js';
import type { CopyStep, Step, StepRole } from './step.js';

export interface StepHandlers {
  /** Runs a copy step; the rows it loaded. Plans with copy steps need one. */
  copy?: (step: CopyStep) => Promise<number>;
  /** What a failed step's error is reported as; the error itself when this returns nothing. */
  failure?: (step: Step, error: unknown) => unknown;
}

export interface StepOutcome {
  step: Step;
  /** A statement's result. */
  result: QueryResult | null;
  /** A copy's rows. */
  rows: number | null;
}

/** The executor of every DDL plan: each step in order on the node's connection, stopping at the first failure. */
export async function runSteps(context: Pick<MaterializationContext, 'node' | 'run' | 'renderHook'>, steps: readonly Step[], handlers: StepHandlers = {}): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (const step of steps) {
    try {
      outcomes.push(await runStep(context, step, handlers));
    } catch (error) {
      throw handlers.failure?.(step, error) ?? error;
    }
  }
  return outcomes;
}

async function runStep(context: Pick<MaterializationContext, 'node' | 'run' | 'renderHook'>, step: Step, handlers: StepHandlers): Promise<StepOutcome> {
  switch (step.kind) {
    case 'sql':
      return { step, result: await context.run(step.sql), rows: null };
    case 'hooks':
      await runHooks(context, step.hook, step.inTransaction);
      return { step, result: null, rows: null };
    case 'copy':
      if (!handlers.copy) throw new Error(`a plan copies into ${step.table}, and its executor has no copy handler`);
      return { step, result: null, rows: await handlers.copy(step) };
  }
}

/** The results of the statements with `role`, in order. */
export function resultsOf(outcomes: readonly StepOutcome[], role: StepRole): QueryResult[] {
  return outcomes.flatMap((outcome) => (outcome.step.kind === 'sql' && outcome.step.role === role && outcome.result ? [outcome.result] : []));
}
