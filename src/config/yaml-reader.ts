import type { ErrorCode, SourceLocation } from '../errors.js';
import { describeValue } from '../support/describe-value.js';
import type { Diagnostics } from '../support/diagnostics.js';
import { isPlainObject } from '../support/is-plain-object.js';
import { reportKey, type KeyPolicy } from '../support/key-policy.js';
import { formatYamlPath, type YamlFile, type YamlPath } from './yaml-file.js';

export interface YamlReaderOptions {
  /** The code of a bad value (KPI_CONFIG_INVALID unless said). */
  invalid?: ErrorCode;
  /** The code of an unknown key that is an error (KPI_CONFIG_UNKNOWN_KEY unless said); warnings are always KPI_CONFIG_UNKNOWN_KEY. */
  unknownKey?: ErrorCode;
}

/** A mapping read under a key policy: the keys the policy knows, typed, and whatever else was written. */
export type Entry<K extends string> = { readonly [P in K]?: unknown } & Readonly<Record<string, unknown>>;

/**
 * Reads one YAML file (or one entry of it, see `within`) for the code that turns it into
 * data. Every problem goes to `diagnostics` at the YAML position of the offending key or
 * value, naming its dotted path; reading goes on after a problem, so one load reports every
 * problem of the file. Unknown keys follow the mapping's KeyPolicy (support/key-policy.ts).
 */
export class YamlReader {
  private errorCount = 0;

  constructor(
    readonly yaml: YamlFile,
    private readonly diagnostics: Diagnostics,
    private readonly codes: YamlReaderOptions = {},
    /** Where the part this reader reads sits in the file; paths given to it are below this. */
    readonly base: YamlPath = [],
    /** Put before every message (`unit test 'x': `). */
    private readonly prefix = '',
    private readonly parent?: YamlReader,
  ) {}

  get file(): string {
    return this.yaml.file;
  }

  /** True while no error has been reported through this reader (or one made from it). */
  get valid(): boolean {
    return this.errorCount === 0;
  }

  /** A reader of the part at `path`: its paths, dotted paths and validity are its own, and it reports through this one. */
  within(path: YamlPath, prefix = this.prefix): YamlReader {
    return new YamlReader(this.yaml, this.diagnostics, this.codes, [...this.base, ...path], prefix, this);
  }

  locate(path: YamlPath = []): SourceLocation {
    return this.yaml.locate([...this.base, ...path]);
  }

  /** How messages name the value at `path`: `'models[0].columns[1]'`, or the file itself. */
  subject(path: YamlPath): string {
    const shown = path.length > 0 ? path : this.base;
    return shown.length > 0 ? `'${formatYamlPath(shown)}'` : this.file;
  }

  /** A bad value: `'<dotted path>' <problem>`, at its position. */
  fail(path: YamlPath, problem: string, hint?: string): null {
    return this.failAt(this.locate(path), `${this.subject(path)} ${problem}`, hint);
  }

  /** A bad value whose message says itself where it is; null, so a reader can `return reader.failAt(...)`. */
  failAt(location: SourceLocation, message: string, hint?: string, code: ErrorCode = this.codes.invalid ?? 'KPI_CONFIG_INVALID'): null {
    this.diagnostics.error(code, `${this.prefix}${message}`, location, hint);
    this.noteError();
    return null;
  }

  warnAt(location: SourceLocation, message: string, code: ErrorCode = 'KPI_CONFIG_UNKNOWN_KEY', hint?: string): void {
    this.diagnostics.warn(code, `${this.prefix}${message}`, location, hint);
  }

  /** Check the keys of the mapping at `path` against `policy`. */
  checkKeys(entry: Readonly<Record<string, unknown>>, policy: KeyPolicy, path: YamlPath = []): void {
    for (const key of Object.keys(entry)) {
      const keyPath = [...path, key];
      if (reportKey(this.diagnostics, key, formatYamlPath(keyPath), policy, this.locate(keyPath), this.codes.unknownKey, this.prefix)) this.noteError();
    }
  }

  /** The mapping at `path`, or `{}` when it is null or absent; anything else is reported (`must be a mapping of <what>`) and read as empty. */
  mapping(value: unknown, path: YamlPath, what: string): Record<string, unknown> {
    if (value === null || value === undefined) return {};
    if (isPlainObject(value)) return value;
    this.fail(path, `must be a mapping of ${what}, got ${describeValue(value)}`);
    return {};
  }

  /** The mapping at `path` with its keys checked against `policy`. */
  entry<K extends string>(value: unknown, path: YamlPath, policy: KeyPolicy<K>, what: string): Entry<K> {
    const entry = this.mapping(value, path, what);
    this.checkKeys(entry, policy, path);
    return entry as Entry<K>;
  }

  /** The list at `path`, or `[]` when it is null or absent; anything else is reported (`must be a list of <what>`) and read as empty. */
  list(value: unknown, path: YamlPath, what: string): unknown[] {
    if (value === null || value === undefined) return [];
    if (Array.isArray(value)) return value;
    this.fail(path, `must be a list of ${what}, got ${describeValue(value)}`);
    return [];
  }

  private noteError(): void {
    this.errorCount++;
    this.parent?.noteError();
  }
}
