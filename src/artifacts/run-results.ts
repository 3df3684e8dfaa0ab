import type { NodeResult } from '../execution/types.js';
import { isPlainObject } from '../support/is-plain-object.js';
import { KPI_VERSION } from '../manifest/version.js';

export interface RunResultsInput {
  invocationId: string;
  command: string;
  elapsedSeconds: number;
  now: Date;
  options: object;
}

const SECRET_KEYS = /password|secret|token|adapter|onEvent|env/i;

/** run_results.json in dbt's shape; the invocation's arguments without anything secret. */
export function buildRunResults(results: NodeResult[], input: RunResultsInput) {
  const args: Record<string, unknown> = { which: input.command };
  for (const [key, value] of Object.entries(input.options)) {
    if (SECRET_KEYS.test(key) || typeof value === 'function' || isPlainObject(value)) continue;
    args[key] = value;
  }
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
      kpi_version: KPI_VERSION,
      generated_at: new Date().toISOString(),
      invocation_id: input.invocationId,
    },
    results,
    elapsed_time: Number(input.elapsedSeconds.toFixed(4)),
    args,
  };
}
