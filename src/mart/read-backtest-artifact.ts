import { readFileSync, statSync } from 'node:fs';
import { KpiError } from '../errors.js';
import { isPlainObject } from '../support/is-plain-object.js';
import { BACKTEST_RESULTS_SCHEMA, type BacktestArtifact } from './backtest-artifact.js';

export interface BacktestArtifactFile {
  artifact: BacktestArtifact;
  /** The file's text as read: an API can answer with it as it is. */
  text: string;
}

function invalid(path: string, what: string): KpiError {
  return new KpiError('KPI_ARTIFACT_INVALID', `${path} is not a backtest result kpi can read: ${what}`, { hint: 'run kpi alerts backtest again to write it anew' });
}

/**
 * target/backtest_results.json, checked for its version and the parts a reader needs;
 * null when there is no such file (no backtest has run on this project). A damaged file or
 * another version is a KPI_ARTIFACT_INVALID naming the file.
 */
export function readBacktestArtifact(path: string): BacktestArtifactFile | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return null;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(path, `not JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(value) || !isPlainObject(value.metadata)) throw invalid(path, 'no metadata');
  const version = value.metadata.kpi_schema_version;
  if (version !== BACKTEST_RESULTS_SCHEMA) throw invalid(path, `its version is ${JSON.stringify(version)}, this kpi reads ${BACKTEST_RESULTS_SCHEMA}`);
  const settings = value.settings;
  if (!Array.isArray(settings) || settings.length === 0) throw invalid(path, 'no settings');
  for (const [index, setting] of settings.entries()) {
    if (!isPlainObject(setting) || typeof setting.label !== 'string' || !isPlainObject(setting.overall) || !Array.isArray(setting.kpis)) {
      throw invalid(path, `settings[${index}] has no label, overall or kpis`);
    }
  }
  return { artifact: value as unknown as BacktestArtifact, text };
}

/** When the file was last written (ms) and its size: a reader that keeps the artifact reads it again when either changes. */
export function backtestArtifactStamp(path: string): string | null {
  try {
    const stat = statSync(path);
    return `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return null;
  }
}
