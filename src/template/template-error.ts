import { KpiError, errorMessage } from '../errors.js';

interface NunjucksError extends Error {
  lineno?: number;
  colno?: number;
  cause?: unknown;
}

/**
 * nunjucks reports `(path) [Line 3, Column 7]\n  Error: ...`; turn that into a KpiError
 * that names the file, line and column on their own. A KpiError raised inside a template
 * (`exceptions.raise_compiler_error`) keeps its code and gains the position.
 */
export function toTemplateError(error: unknown, file: string, lineOffset = 0): KpiError {
  const inner = innermost(error);
  const err = error as NunjucksError;
  const text = errorMessage(error);
  const match = /\[Line (\d+), Column (\d+)\]/.exec(text);
  // An error inside a macro names the macro's file last: point there, not at the file that called it.
  const innermostPosition = [...text.matchAll(/\(([^()\n]+)\) \[Line (\d+), Column (\d+)\]/g)].pop();
  const innerFile = innermostPosition && innermostPosition[1] !== file ? innermostPosition[1] : undefined;
  // nunjucks counts lines and columns from 0.
  const line = innerFile ? Number(innermostPosition![2]) : (err.lineno ?? (match ? Number(match[1]) : undefined));
  const column = innerFile ? Number(innermostPosition![3]) : (err.colno ?? (match ? Number(match[2]) : undefined));
  // Positions inside a macro's file are already counted from 1 (kpiMacroError, or nunjucks' parser).
  const base = innerFile ? 0 : 1;
  const location = { file: innerFile ?? file, line: line === undefined ? undefined : line + base + (innerFile ? 0 : lineOffset), column: column === undefined ? undefined : column + base };
  // The position is in the macro; say which file was being rendered when it failed.
  const calledFrom = innerFile ? `in a macro, while rendering ${file}` : undefined;
  if (inner instanceof KpiError) {
    return new KpiError(inner.code, inner.message, { location: inner.location ?? location, hint: inner.hint ?? calledFrom, node: inner.node, cause: inner });
  }
  const message = cleanMessage(inner instanceof Error ? inner.message : text);
  return new KpiError('KPI_TEMPLATE_ERROR', message, { location, hint: calledFrom, cause: error });
}

/**
 * A template that does not compile: nunjucks' parser counts lines and columns from 1. A
 * KpiError raised while parsing (KPI_TEMPLATE_UNSUPPORTED) keeps its code.
 */
export function templateSyntaxError(error: unknown, file: string): KpiError {
  const err = error as NunjucksError;
  const location = { file, line: err.lineno, column: err.colno };
  const inner = innermost(error);
  if (inner instanceof KpiError) return new KpiError(inner.code, inner.message, { location: inner.location ?? location, hint: inner.hint, node: inner.node, cause: inner });
  const message = cleanMessage(inner instanceof Error ? inner.message : errorMessage(error));
  return new KpiError('KPI_TEMPLATE_ERROR', message, { location, cause: error });
}

function innermost(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10; depth++) {
    const cause = (current as NunjucksError | undefined)?.cause;
    if (cause === undefined || cause === current) break;
    current = cause;
  }
  return current;
}

function cleanMessage(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !/^\(.*\)( \[Line \d+, Column \d+\])?$/.test(line));
  const last = lines[lines.length - 1] ?? message;
  return last.replace(/^(Template render error: |Error: |TypeError: |Template Error: )/, '');
}
