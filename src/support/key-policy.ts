import { closestMatch, type SourceLocation } from '../errors.js';
import type { Diagnostics } from './diagnostics.js';

/**
 * What a mapping in a config file may hold, and what an unknown key in it is. Every YAML
 * reader of kpi checks its keys through this one policy (see src/config/CONTEXT.md).
 */
export interface KeyPolicy<K extends string = string> {
  /** Keys kpi reads here. */
  readonly known: readonly K[];
  /** Keys dbt knows that kpi does not act on (`config-version`, `sort`...): accepted silently, as dbt projects carry them. */
  readonly tolerated?: readonly string[];
  /**
   * `warn`: dbt's tolerance, an unknown key is a warning, except a near miss of a key kpi
   * reads (`materalized`), an error because the setting the user meant would silently not apply.
   * `error`: every unknown key is an error (for files where a misspelt key would silently keep a default).
   */
  readonly unknown: 'warn' | 'error';
  /** How messages name a key here: `key` unless said (`config`, `property`). */
  readonly noun?: string;
  /** What becomes of a key that is only warned about: `is ignored` unless said. */
  readonly fate?: string;
}

export interface KeyProblem {
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
}

/** Edits from `a` to `b`, a swap of two neighbours counting as one (`prot` for `port`): the slips of typing. */
function slipDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

/**
 * The known key `key` is a slip of: at most two slips away (case aside), and fewer slips
 * than half its length, so a short key of the user's own (`data`) is not taken for `meta`.
 */
export function nearMiss(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = slipDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= 2 && bestDistance * 2 < key.length ? best : undefined;
}

/** Null when `key` is fine here; otherwise the warning or error it is worth, naming it by `dottedPath`. */
export function judgeKey(key: string, dottedPath: string, policy: KeyPolicy): KeyProblem | null {
  const tolerated = policy.tolerated ?? [];
  if ((policy.known as readonly string[]).includes(key) || tolerated.includes(key)) return null;
  const noun = policy.noun ?? 'key';
  const slip = nearMiss(key, policy.known);
  const suggestion = slip ?? closestMatch(key, [...policy.known, ...tolerated]);
  const didYouMean = suggestion ? `. Did you mean '${suggestion}'?` : '';
  if (policy.unknown === 'error') return { severity: 'error', message: `unknown ${noun} '${dottedPath}'${didYouMean}`, hint: `known keys here: ${policy.known.join(', ')}` };
  if (slip) return { severity: 'error', message: `unknown ${noun} '${dottedPath}'${didYouMean}` };
  return { severity: 'warning', message: `unknown ${noun} '${dottedPath}' ${policy.fate ?? 'is ignored'}${didYouMean}` };
}

/**
 * Report `key` under `policy` when it is not fine: warnings as KPI_CONFIG_UNKNOWN_KEY,
 * errors with `errorCode` (KPI_CONFIG_UNKNOWN_KEY unless the file has its own code).
 * True when it was an error.
 */
export function reportKey(
  diagnostics: Diagnostics,
  key: string,
  dottedPath: string,
  policy: KeyPolicy,
  location: SourceLocation | undefined,
  errorCode: Parameters<Diagnostics['error']>[0] = 'KPI_CONFIG_UNKNOWN_KEY',
  prefix = '',
): boolean {
  const problem = judgeKey(key, dottedPath, policy);
  if (!problem) return false;
  if (problem.severity === 'warning') {
    diagnostics.warn('KPI_CONFIG_UNKNOWN_KEY', `${prefix}${problem.message}`, location, problem.hint);
    return false;
  }
  diagnostics.error(errorCode, `${prefix}${problem.message}`, location, problem.hint);
  return true;
}
