import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type nunjucks from 'nunjucks';
import { writeText } from '../support/write-file.js';

interface CacheFile {
  fingerprint: string;
  code: Record<string, string>;
}

let fingerprint: string | null = null;

/** Below this many entries the cache is never pruned. */
const PRUNE_FLOOR = 1000;

/**
 * What the generated code depends on besides a template's text: nunjucks and kpi's patches
 * to its compiler, all of which live in this folder. Hashing the folder's files makes any
 * change to them (an upgrade, a fix, a checkout of another commit) a new cache.
 */
function compilerFingerprint(): string {
  if (fingerprint === null) {
    const hash = createHash('sha1');
    const folder = dirname(fileURLToPath(import.meta.url));
    for (const name of readdirSync(folder).sort()) {
      if (name.endsWith('.js') || name.endsWith('.ts')) hash.update(name).update(readFileSync(join(folder, name)));
    }
    const nunjucksPackage = fileURLToPath(import.meta.resolve('nunjucks/package.json'));
    hash.update(readFileSync(nunjucksPackage));
    fingerprint = hash.digest('hex');
  }
  return fingerprint;
}

/**
 * nunjucks' compiled JavaScript for each template, kept across processes
 * (target/template_cache.json): lexing, parsing and generating code is most of the cost of
 * a template, and an unchanged file needs none of it again. Keyed by the file's path and
 * text; entries stay until `kpi clean`, a change of the compiler, or a run that meets
 * under a quarter of them.
 */
export class TemplateCodeCache {
  private loaded: Record<string, string> | undefined;
  private readonly used = new Set<string>();
  private changed = false;

  constructor(private readonly path: string | null) {}

  /** Read when a template is first compiled: a run that compiles none (`kpi ls` on an unchanged project) reads nothing. */
  private get code(): Record<string, string> {
    if (this.loaded === undefined) {
      this.loaded = {};
      if (this.path) {
        try {
          const file = JSON.parse(readFileSync(this.path, 'utf8')) as CacheFile;
          if (file.fingerprint === compilerFingerprint()) this.loaded = file.code;
        } catch {
          // None yet, or unreadable: templates are compiled from their text.
        }
      }
    }
    return this.loaded;
  }

  private set code(code: Record<string, string>) {
    this.loaded = code;
  }

  private key(source: string, file: string): string {
    return createHash('sha1').update(file).update('\0').update(source).digest('base64');
  }

  get(source: string, file: string): string | undefined {
    const key = this.key(source, file);
    const code = this.code[key];
    if (code !== undefined) this.used.add(key);
    return code;
  }

  set(source: string, file: string, code: string): void {
    const key = this.key(source, file);
    this.code[key] = code;
    this.used.add(key);
    this.changed = true;
  }

  save(): void {
    if (!this.path || !this.changed) return;
    // Every edit of a file adds an entry: once most entries are for texts this run did not
    // meet, keep only those it did (a run that compiles part of a project keeps the rest).
    const entries = Object.keys(this.code).length;
    if (entries > PRUNE_FLOOR && entries > 4 * this.used.size) {
      this.code = Object.fromEntries([...this.used].map((key) => [key, this.code[key]]));
    }
    writeText(this.path, JSON.stringify({ fingerprint: compilerFingerprint(), code: this.code } satisfies CacheFile));
    this.changed = false;
  }
}

const caches = new WeakMap<nunjucks.Environment, TemplateCodeCache>();

export function useTemplateCodeCache(env: nunjucks.Environment, cache: TemplateCodeCache): void {
  caches.set(env, cache);
}

export function templateCodeCacheOf(env: nunjucks.Environment): TemplateCodeCache | undefined {
  return caches.get(env);
}
