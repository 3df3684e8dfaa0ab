import { isAbsolute, join, resolve } from 'node:path';
import { writeJson } from '../support/write-file.js';
import { checkFreshness, type SourceFreshnessResult } from '../freshness/check-freshness.js';
import { hasFreshnessRules } from '../freshness/freshness-status.js';
import { buildSourcesArtifact } from '../freshness/sources-artifact.js';
import type { SourceDefinition } from '../manifest/types.js';
import type { NodeDescription, NodeResult } from '../execution/types.js';
import { parse, select, usingDatabase, type DatabaseOptions, type ProjectOptions, type SelectionOptions } from './project.js';

export interface FreshnessOptions extends ProjectOptions, SelectionOptions, DatabaseOptions {
  /** Where to write the results, relative to the project (default target/sources.json). */
  output?: string;
}

export interface FreshnessSummary {
  results: SourceFreshnessResult[];
  /** False when a source is past its error_after, or could not be checked. */
  success: boolean;
  /** Absolute path of the sources.json written. */
  path: string;
  elapsedSeconds: number;
}

function describeSource(source: SourceDefinition): NodeDescription {
  return {
    unique_id: source.unique_id,
    name: `${source.source_name}.${source.name}`,
    resource_type: 'source',
    materialized: 'source',
    schema: source.schema,
    alias: source.identifier,
    relation: source.relation_name,
  };
}

/**
 * `kpi source freshness`: for each selected source with `freshness` rules, how long ago
 * its newest row was loaded (`loaded_at_field`, within `filter`), judged against
 * `warn_after` / `error_after`; results in target/sources.json as dbt writes them.
 */
export async function sourceFreshness(options: FreshnessOptions = {}): Promise<FreshnessSummary> {
  const started = performance.now();
  const parsed = await parse(options);
  const emit = parsed.emit;
  const checked: Array<{ source: SourceDefinition; field: string }> = [];
  for (const id of select(parsed, options, ['source'])) {
    const source = parsed.manifest.sources[id];
    if (!hasFreshnessRules(source.freshness)) continue;
    if (!source.loaded_at_field) {
      // Postgres keeps no load times of its own (dbt's metadata freshness): without a column there is nothing to measure.
      emit({
        type: 'diagnostic',
        diagnostic: {
          severity: 'warning',
          code: 'KPI_SOURCE_FRESHNESS',
          message: `source ${source.source_name}.${source.name} has freshness rules but no loaded_at_field; it is not checked`,
          location: { file: source.original_file_path },
          hint: 'set loaded_at_field to the column that records when each row was loaded',
        },
      });
      continue;
    }
    checked.push({ source, field: source.loaded_at_field });
  }

  const results: SourceFreshnessResult[] = [];
  const nodeResults: NodeResult[] = [];
  await usingDatabase(parsed.loaded, { ...options, lock: false, emit }, async (adapter) => {
    emit({ type: 'run_started', command: 'source freshness', counts: { source: checked.length }, threads: 1, target: parsed.loaded.target.name, adapter: adapter.describe(), total: checked.length });
    for (const [index, { source, field }] of checked.entries()) {
      const node = describeSource(source);
      emit({ type: 'node_started', index: index + 1, total: checked.length, node });
      const { entry, result } = await adapter.withConnection((connection) => checkFreshness(source, field, connection, 'Thread-1'));
      results.push(entry);
      nodeResults.push(result);
      emit({ type: 'node_finished', index: index + 1, total: checked.length, node, result });
    }
  });
  const elapsedSeconds = (performance.now() - started) / 1000;
  const projectDir = parsed.loaded.config.projectDir;
  const path = options.output ? (isAbsolute(options.output) ? options.output : resolve(projectDir, options.output)) : join(parsed.targetDir, 'sources.json');
  writeJson(path, buildSourcesArtifact(results, { invocationId: parsed.invocationId, elapsedSeconds, now: new Date() }));
  emit({ type: 'run_finished', command: 'source freshness', results: nodeResults, elapsedSeconds });
  return { results, success: results.every((result) => result.status === 'pass' || result.status === 'warn'), path, elapsedSeconds };
}
