import type { Diagnostics } from '../support/diagnostics.js';
import { formatYamlPath, type YamlFile, type YamlPath } from '../config/yaml-file.js';
import { closestMatch, type SourceLocation } from '../errors.js';

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the thresholds file: every problem is a KPI_THRESHOLDS_INVALID at the YAML
 * position of the offending key, naming its dotted path. Reading goes on after a
 * problem, so one load reports them all.
 */
export class ThresholdsReader {
  constructor(
    readonly yaml: YamlFile,
    private readonly diagnostics: Diagnostics,
  ) {}

  locate(path: YamlPath): SourceLocation {
    return this.yaml.locate(path);
  }

  fail(path: YamlPath, message: string, hint?: string): void {
    this.failAt(this.locate(path), `'${formatYamlPath(path)}' ${message}`, hint);
  }

  failAt(location: SourceLocation, message: string, hint?: string): void {
    this.diagnostics.error('KPI_THRESHOLDS_INVALID', message, location, hint);
  }

  /**
   * Unknown keys are errors here, unlike in the project file: a misspelt threshold would
   * silently leave the default in force, and alerts would fire (or not) on the wrong rule.
   */
  checkKeys(entry: Record<string, unknown>, known: readonly string[], path: YamlPath): void {
    for (const key of Object.keys(entry)) {
      if (known.includes(key)) continue;
      const match = closestMatch(key, known);
      const keyPath = [...path, key];
      this.failAt(this.locate(keyPath), `unknown key '${formatYamlPath(keyPath)}'${match ? `. Did you mean '${match}'?` : ''}`, `known keys here: ${known.join(', ')}`);
    }
  }

  /** A mapping, or null (an empty section) — anything else is reported and read as empty. */
  mapping(value: unknown, path: YamlPath, what: string): Record<string, unknown> {
    if (value === null || value === undefined) return {};
    if (isMapping(value)) return value;
    this.fail(path, `must be a mapping of ${what}, got ${describeValue(value)}`);
    return {};
  }
}

export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  return JSON.stringify(value);
}
