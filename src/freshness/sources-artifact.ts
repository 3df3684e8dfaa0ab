import { KPI_VERSION } from '../manifest/version.js';
import type { SourceFreshnessResult } from './check-freshness.js';

/** target/sources.json in dbt's shape (sources/v3). */
export function buildSourcesArtifact(results: SourceFreshnessResult[], input: { invocationId: string; elapsedSeconds: number; now: Date }) {
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/sources/v3.json',
      kpi_version: KPI_VERSION,
      generated_at: input.now.toISOString(),
      invocation_id: input.invocationId,
      env: {},
    },
    results,
    elapsed_time: Number(input.elapsedSeconds.toFixed(4)),
  };
}
