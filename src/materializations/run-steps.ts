import type { QueryResult } from '../adapters/adapter.js';
import type { MaterializationContext } from './materialization.js';
import { runHooks } from './relation-extras.js';
import type { CopyStep, Step, StepRole } from './step.js';

export interface StepHandlers {
  /** Runs a copy step; the rows it loaded. Plans with copy steps need one. */
  copy?: (step: CopyStep) => Promise<number>;
  /** What a failed step's error is reported as; the error itself when this returns nothing. */
  failure?: (step: Step, error: unknown) => unknown;
  /**
   * The steps run inside one open transaction: consecutive statements whose results nobody
   * reads (no role) go as one script (`runScript`), one round trip. Outside a transaction
   * each must go alone: a script is one implicit transaction, which some statements refuse.
   */
  inTransaction?: boolean;
}

export interface StepOutcome {
  step: Step;
  /** A statement's result. */
  result: QueryResult | null;
  /** A copy's rows. */
  rows: number | null;
}

/** The executor of every DDL plan: each step in order on the node's connection, stopping at the first failure. */
export async function runSteps(context: Pick<MaterializationContext, 'node' | 'run' | 'renderHook' | 'runScript'>, steps: readonly Step[], handlers: StepHandlers = {}): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  const runScript = handlers.inTransaction ? context.runScript : undefined;
  for (let at = 0; at < steps.length;) {
    const batch = runScript ? scriptAt(steps, at) : [];
    if (runScript && batch.length > 1) {
      try {
        await runScript(batch.map((step) => step.sql));
      } catch (error) {
        // Reported as the first statement's failure would be: none of these has a role the handler maps.
        throw handlers.failure?.(batch[0], error) ?? error;
      }
      for (const step of batch) outcomes.push({ step, result: null, rows: null });
      at += batch.length;
      continue;
    }
    const step = steps[at++];
    try {
      outcomes.push(await runStep(context, step, handlers));
    } catch (error) {
      throw handlers.failure?.(step, error) ?? error;
    }
  }
  return outcomes;
}

type SqlStep = Extract<Step, { kind: 'sql' }>;

/** Whether a statement can share a script: its result is not read (no role), and no line comment could swallow the separator. */
function scriptable(step: Step): step is SqlStep {
  return step.kind === 'sql' && step.role === undefined && !step.sql.includes('--');
}

/** The scriptable statements from `at` on, up to the first that is not. */
function scriptAt(steps: readonly Step[], at: number): SqlStep[] {
  const batch: SqlStep[] = [];
  for (let index = at; index < steps.length; index++) {
    const step = steps[index];
    if (!scriptable(step)) break;
    batch.push(step);
  }
  return batch;
}

async function runStep(context: Pick<MaterializationContext, 'node' | 'run' | 'renderHook' | 'runScript'>, step: Step, handlers: StepHandlers): Promise<StepOutcome> {
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
