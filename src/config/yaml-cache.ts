import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceLocation } from '../errors.js';
import { KPI_VERSION } from '../manifest/version.js';
import { writeText } from '../support/write-file.js';
import { parseYaml, type YamlFile, type YamlPath } from './yaml-file.js';

const FORMAT = `kpi-${KPI_VERSION}-yaml-1`;

/** The cache's file in a target folder. */
export const YAML_CACHE_FILE = 'yaml_cache.json';

interface CachedYaml {
  /** Of the file's text: an edited file is parsed again. */
  hash: string;
  /** `toJS()` of the document as JSON text, parsed again on each use so callers get objects of their own. */
  data: string;
  /** Every position asked of this file so far, by JSON path: `[line, column]`, or `[]` where the file has none. */
  locations: Record<string, [number, number] | []>;
}

interface CacheFile {
  format: string;
  files: Record<string, CachedYaml>;
  /** Results of `memo()`, as JSON text, by kind and the hash of the text they were read from. */
  results?: Record<string, string>;
}

/** A YAML file read through the cache, with the hash of its text (for keys of other caches). */
export interface HashedYamlFile extends YamlFile {
  hash: string;
}

export function textHash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/**
 * Parsed YAML files kept across processes (target/yaml_cache.json), by file and the hash of
 * its text. Reading YAML with positions (`parseDocument`) is the largest cost of parsing a
 * small project; an unchanged file is instead taken from here: its data as `toJS()` gave
 * it, and the positions `locate()` answered last time. A position not asked before is found
 * by parsing that one file's text then (and remembered), so what a caller gets is always
 * what `parseYaml` would have given. A file whose data JSON cannot carry exactly (`.inf`,
 * `.nan`, aliases, YAML 1.1 dates) and a file with a syntax error are never cached.
 */
export class YamlCache {
  private stored: Record<string, CachedYaml>;
  private storedResults: Record<string, string>;
  private readonly used = new Map<string, CachedYaml>();
  private readonly usedResults = new Map<string, string>();
  private changed = false;

  constructor(private path: string | null) {
    const file = path ? readCacheFile(path) : null;
    this.stored = file?.files ?? {};
    this.storedResults = file?.results ?? {};
  }

  /**
   * The cache lives in the target folder, which the project file names: it is first looked
   * for in the default one (to read the project file itself), then here once it is known.
   */
  moveTo(targetDir: string): void {
    const path = join(targetDir, YAML_CACHE_FILE);
    if (path === this.path) return;
    this.path = path;
    const file = readCacheFile(path);
    this.stored = { ...this.stored, ...file?.files };
    this.storedResults = { ...this.storedResults, ...file?.results };
    if (this.used.size > 0) this.changed = true;
  }

  /** The file at `absolute`, shown as `file` in positions. */
  read(absolute: string, file: string): HashedYamlFile {
    return this.parse(readFileSync(absolute, 'utf8'), file, absolute);
  }

  /** YAML text shown as `file`; `key` tells files apart in the cache (the absolute path where `file` is not unique). */
  parse(text: string, file: string, key = file, hash = textHash(text)): HashedYamlFile {
    const cached = this.used.get(key) ?? this.stored[key];
    if (cached?.hash === hash) {
      this.used.set(key, cached);
      return this.fromCache(cached, text, file);
    }
    // Throws on a syntax error: nothing is cached for the file.
    const parsed = parseYaml(text, file);
    if (!jsonExact(parsed.data, new Set())) return { ...parsed, hash };
    const entry: CachedYaml = { hash, data: JSON.stringify(parsed.data), locations: {} };
    this.used.set(key, entry);
    this.changed = true;
    return { file, data: parsed.data, hash, locate: (path) => this.remember(entry, path, parsed.locate(path)) };
  }

  /**
   * What `read` makes of `text` (another format read on every parse: CSV fixtures, a seed's
   * columns), kept by `kind` and the text's hash. `read` must depend on the text alone; what
   * it throws is thrown again each time (nothing is kept), and a result JSON cannot carry
   * exactly is not kept either.
   */
  memo<T>(kind: string, text: string, read: () => T): T {
    const key = `${kind}:${textHash(text)}`;
    const cached = this.usedResults.get(key) ?? this.storedResults[key];
    if (cached !== undefined) {
      this.usedResults.set(key, cached);
      return JSON.parse(cached) as T;
    }
    const result = read();
    if (jsonExact(result, new Set())) {
      this.usedResults.set(key, JSON.stringify(result));
      this.changed = true;
    }
    return result;
  }

  private fromCache(entry: CachedYaml, text: string, file: string): HashedYamlFile {
    let parsed: YamlFile | undefined;
    return {
      file,
      data: JSON.parse(entry.data) as unknown,
      hash: entry.hash,
      locate: (path) => {
        const known = entry.locations[JSON.stringify(path)];
        if (known) return known.length === 2 ? { file, line: known[0], column: known[1] } : { file };
        parsed ??= parseYaml(text, file);
        return this.remember(entry, path, parsed.locate(path));
      },
    };
  }

  private remember(entry: CachedYaml, path: YamlPath, location: SourceLocation): SourceLocation {
    const key = JSON.stringify(path);
    if (!entry.locations[key]) {
      entry.locations[key] = location.line !== undefined && location.column !== undefined ? [location.line, location.column] : [];
      this.changed = true;
    }
    return location;
  }

  /** Write what this process read (files it did not read are left out: a deleted file's entry goes). */
  save(): void {
    if (!this.path || !this.changed) return;
    const file: CacheFile = { format: FORMAT, files: Object.fromEntries(this.used), results: Object.fromEntries(this.usedResults) };
    writeText(this.path, JSON.stringify(file));
    this.changed = false;
  }
}

function readCacheFile(path: string): CacheFile | null {
  if (!existsSync(path)) return null;
  try {
    const cache = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
    return cache.format === FORMAT && cache.files ? cache : null;
  } catch {
    // A damaged cache only costs parsing the files again.
    return null;
  }
}

/** True when JSON text carries `value` exactly: plain objects and arrays (each reached once), strings, booleans, null and finite numbers. */
function jsonExact(value: unknown, seen: Set<object>): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object') return false;
  if (seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (!(index in value) || !jsonExact(value[index], seen)) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key of Object.keys(value)) {
    if (key === '__proto__' || !jsonExact((value as Record<string, unknown>)[key], seen)) return false;
  }
  return true;
}

/** `read()` through the cache's `memo` when there is a cache. */
export function memoWith<T>(cache: YamlCache | undefined, kind: string, text: string, read: () => T): T {
  return cache ? cache.memo(kind, text, read) : read();
}

/** Parse with the cache when there is one. */
export function parseYamlWith(cache: YamlCache | undefined, text: string, file: string): YamlFile {
  return cache ? cache.parse(text, file) : parseYaml(text, file);
}

/** Read a file with the cache when there is one. */
export function readYamlWith(cache: YamlCache | undefined, absolute: string, file: string): YamlFile {
  return cache ? cache.read(absolute, file) : parseYaml(readFileSync(absolute, 'utf8'), file);
}
