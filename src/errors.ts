/**
 * One hierarchy for every error a user can cause. Each carries a stable code, says what
 * is wrong and where, and, when there is one, what to do. Anything else thrown is a bug.
 */

export type ErrorCode =
  | 'KPI_USAGE'
  | 'KPI_PROJECT_NOT_FOUND'
  | 'KPI_CONFIG_INVALID'
  | 'KPI_CONFIG_UNKNOWN_KEY'
  | 'KPI_PROFILE_NOT_FOUND'
  | 'KPI_TARGET_NOT_FOUND'
  | 'KPI_ENV_VAR_MISSING'
  | 'KPI_VAR_MISSING'
  | 'KPI_YAML_INVALID'
  | 'KPI_TEMPLATE_ERROR'
  | 'KPI_TEMPLATE_UNSUPPORTED'
  | 'KPI_COMPILER_ERROR'
  | 'KPI_REF_NOT_FOUND'
  | 'KPI_SOURCE_NOT_FOUND'
  | 'KPI_DUPLICATE_NODE'
  | 'KPI_DAG_CYCLE'
  | 'KPI_SELECTOR_INVALID'
  | 'KPI_STATE_NOT_FOUND'
  | 'KPI_DATABASE_ERROR'
  | 'KPI_CONNECTION_ERROR'
  | 'KPI_LOCKED'
  | 'KPI_UNSAFE_OPERATION'
  | 'KPI_MATERIALIZATION_UNKNOWN'
  | 'KPI_SEED_INVALID'
  | 'KPI_SCHEMA_CHANGE'
  | 'KPI_TEST_INVALID'
  | 'KPI_SOURCE_FRESHNESS'
  | 'KPI_UNIT_TEST_INVALID'
  | 'KPI_THRESHOLDS_INVALID'
  | 'KPI_WEBHOOK_FAILED'
  | 'KPI_NOT_FOUND'
  | 'KPI_PACKAGE_INVALID'
  | 'KPI_PACKAGE_NOT_INSTALLED'
  | 'KPI_PACKAGE_UNAVAILABLE'
  | 'KPI_SERVE_FAILED'
  | 'KPI_INTERRUPTED'
  | 'KPI_LOCK_TIMEOUT'
  | 'KPI_OPERATION_FAILED'
  | 'KPI_SNAPSHOT_INVALID'
  | 'KPI_SNAPSHOT_DUPLICATE_KEY'
  | 'KPI_RESOURCE_UNSUPPORTED'
  | 'KPI_CONTRACT_INVALID'
  | 'KPI_CONTRACT_FAILED'
  | 'KPI_EXPOSURE_INVALID'
  | 'KPI_GROUP_NOT_FOUND'
  | 'KPI_ACCESS_DENIED'
  | 'KPI_CITUS_UNSUPPORTED'
  | 'KPI_ARTIFACT_INVALID';

export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface KpiErrorOptions {
  location?: SourceLocation;
  hint?: string;
  node?: string;
  cause?: unknown;
}

export class KpiError extends Error {
  readonly code: ErrorCode;
  readonly location?: SourceLocation;
  readonly hint?: string;
  readonly node?: string;

  constructor(code: ErrorCode, message: string, options: KpiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KpiError';
    this.code = code;
    this.location = options.location;
    this.hint = options.hint;
    this.node = options.node;
  }

  /** Usage and configuration problems exit 2; a node or `kpi run-operation`'s macro that failed while running (or a webhook that could not be reached) exits 1; Ctrl-C 130, as shells report SIGINT. */
  get exitCode(): number {
    if (this.code === 'KPI_INTERRUPTED') return 130;
    return ['KPI_DATABASE_ERROR', 'KPI_SNAPSHOT_DUPLICATE_KEY', 'KPI_LOCKED', 'KPI_LOCK_TIMEOUT', 'KPI_WEBHOOK_FAILED', 'KPI_OPERATION_FAILED'].includes(this.code) ? 1 : 2;
  }
}

export function formatLocation(location: SourceLocation | undefined): string {
  if (!location) return '';
  let text = location.file;
  if (location.line !== undefined) {
    text += `:${location.line}`;
    if (location.column !== undefined) text += `:${location.column}`;
  }
  return text;
}

/** The one-line (plus hint) rendering used by the CLI and in run results. */
export function formatError(error: unknown, debug = false): string {
  if (error instanceof KpiError) {
    const where = formatLocation(error.location);
    const lines = [`${error.code}: ${where ? `${where}: ` : ''}${error.message}`];
    if (error.hint) lines.push(`  hint: ${error.hint}`);
    if (debug && error.stack) lines.push(error.stack);
    return lines.join('\n');
  }
  if (error instanceof Error) {
    return debug && error.stack ? error.stack : `internal error: ${error.message} (run with --debug for the stack)`;
  }
  return String(error);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = saved;
    }
  }
  return previous[b.length];
}

export function closestMatch(name: string, candidates: Iterable<string>, maxDistance?: number): string | undefined {
  const limit = maxDistance ?? Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const match = closestMatch(name, candidates);
  return match ? ` Did you mean '${match}'?` : '';
}
