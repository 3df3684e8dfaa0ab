import { KpiError, formatLocation, type ErrorCode, type SourceLocation } from '../errors.js';

/** A problem found while loading: warnings are reported and the run goes on; errors stop it. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  code: ErrorCode;
  message: string;
  location?: SourceLocation;
  hint?: string;
}

/** One diagnostic as the CLI prints an error: `CODE: file:line:col: message`, then its hint. */
export function formatDiagnostic(item: Diagnostic): string {
  const where = formatLocation(item.location);
  return `${item.code}: ${where ? `${where}: ` : ''}${item.message}${item.hint ? `\n  hint: ${item.hint}` : ''}`;
}

/**
 * Every error of a load at once. It is the first error (its code, location and hint), and
 * its message goes on to list the others, each with its code and location, so a caller that
 * prints `message` alone still shows them all; `errors` holds them as data.
 */
export class DiagnosticsError extends KpiError {
  readonly errors: readonly Diagnostic[];

  constructor(errors: readonly Diagnostic[]) {
    const [first, ...rest] = errors;
    super(first.code, [first.message, ...rest.map(formatDiagnostic)].join('\n'), { location: first.location, hint: first.hint });
    this.errors = errors;
  }
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

  get errors(): Diagnostic[] {
    return this.items.filter((item) => item.severity === 'error');
  }

  /** Throw every error at once (a KpiError, see DiagnosticsError), if there is one. */
  throwIfErrors(): void {
    const errors = this.errors;
    if (errors.length > 0) throw new DiagnosticsError(errors);
  }
}
