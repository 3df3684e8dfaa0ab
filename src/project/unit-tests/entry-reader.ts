import type { Diagnostics } from '../../support/diagnostics.js';
import type { YamlFile, YamlPath } from '../../config/yaml-file.js';
import { closestMatch, type SourceLocation } from '../../errors.js';

export function isEntry(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads one `unit_tests:` entry of a property file: positions of its keys and rows, and
 * problems reported as KPI_UNIT_TEST_INVALID there. `valid` turns false on the first.
 */
export class EntryReader {
  valid = true;

  constructor(
    readonly yaml: YamlFile,
    /** The entry's path in the file: `['unit_tests', 3]`. */
    readonly path: YamlPath,
    readonly testName: string,
    private readonly diagnostics: Diagnostics,
  ) {}

  locate(...keys: Array<string | number>): SourceLocation {
    return this.yaml.locate([...this.path, ...keys]);
  }

  /** Always null, so a reader can `return reader.fail(...)`. */
  fail(message: string, location: SourceLocation, hint?: string): null {
    this.diagnostics.error('KPI_UNIT_TEST_INVALID', `unit test '${this.testName}': ${message}`, location, hint);
    this.valid = false;
    return null;
  }

  warn(message: string, location: SourceLocation): void {
    this.diagnostics.warn('KPI_CONFIG_UNKNOWN_KEY', `unit test '${this.testName}': ${message}`, location);
  }

  /** Unknown keys are ignored with a warning; a near miss of a known one (`expected`) is an error. */
  checkKeys(entry: Record<string, unknown>, known: readonly string[], ...at: Array<string | number>): void {
    for (const key of Object.keys(entry)) {
      if (known.includes(key)) continue;
      const match = closestMatch(key, known, 2);
      if (match) this.fail(`unknown key '${key}'. Did you mean '${match}'?`, this.locate(...at, key));
      else this.warn(`unknown key '${key}' is ignored`, this.locate(...at, key));
    }
  }
}
