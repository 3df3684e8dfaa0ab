import { KpiError, closestMatch, type ErrorCode, type SourceLocation } from '../errors.js';

/** A problem found while loading: warnings are reported and the run goes on; errors stop it. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  code: ErrorCode;
  message: string;
  location?: SourceLocation;
  hint?: string;
}

export class Diagnostics {
  readonly items: Diagnostic[] = [];

  warn(code: ErrorCode, message: string, location?: SourceLocation, hint?: string): void {
    this.items.push({ severity: 'warning', code, message, location, hint });
  }

  error(code: ErrorCode, message: string, location?: SourceLocation, hint?: string): void {
    this.items.push({ severity: 'error', code, message, location, hint });
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((item) => item.severity === 'warning');
  }

  /** Throw the first error as a KpiError, if there is one. */
  throwIfErrors(): void {
    const first = this.items.find((item) => item.severity === 'error');
    if (first) throw new KpiError(first.code, first.message, { location: first.location, hint: first.hint });
  }
}

/**
 * An unknown key is a warning; a near miss of a known key (`materalized`) is an error,
 * because it almost certainly silently drops what the user meant to set.
 */
export function checkUnknownKey(
  diagnostics: Diagnostics,
  key: string,
  known: Iterable<string>,
  dottedPath: string,
  location: SourceLocation | undefined,
): void {
  const match = closestMatch(key, known, 2);
  if (match) {
    diagnostics.error('KPI_CONFIG_UNKNOWN_KEY', `unknown key '${dottedPath}'. Did you mean '${match}'?`, location);
  } else {
    diagnostics.warn('KPI_CONFIG_UNKNOWN_KEY', `unknown key '${dottedPath}' is ignored`, location);
  }
}
