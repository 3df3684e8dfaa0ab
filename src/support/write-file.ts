import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFile, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

/** fs.writeFile as a promise: the callback form costs less CPU a file than fs/promises' (no FileHandle, no chunked write loop; profiled on 10,000 files). */
function writeFileAsync(path: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => writeFile(path, text, (error) => (error ? reject(error) : resolve())));
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** Artifacts are compact JSON, as dbt writes them: manifests of big projects run to tens of MB. */
export function writeJson(path: string, value: unknown): void {
  writeText(path, JSON.stringify(value));
}

/**
 * Files a command writes again and again (target/compiled/): each is written only when its
 * content changed since the last run, as an index of content hashes kept beside them
 * says, a few at a time and without blocking the event loop. A re-run of a big project
 * rewrites nothing, so editors and watchers see no change and a busy disk is not asked.
 */
export class WrittenFiles {
  private readonly previous: Record<string, string>;
  private readonly current: Record<string, string> = {};
  private readonly running = new Set<Promise<unknown>>();
  private readonly folders = new Map<string, Promise<unknown>>();

  constructor(
    private readonly indexPath: string,
    private readonly limit = 8,
  ) {
    let previous: Record<string, string> = {};
    try {
      previous = JSON.parse(readFileSync(indexPath, 'utf8')) as Record<string, string>;
    } catch {
      // No index yet (or a damaged one): every file is written.
    }
    this.previous = previous;
  }

  async write(path: string, text: string): Promise<void> {
    const hash = createHash('sha1').update(text).digest('base64');
    this.current[path] = hash;
    if (this.previous[path] === hash && this.exists(path)) return;
    while (this.running.size >= this.limit) await Promise.race(this.running);
    const pending = this.folder(dirname(path))
      .then(() => writeFileAsync(path, text))
      .finally(() => this.running.delete(pending));
    this.running.add(pending);
  }

  private readonly listings = new Map<string, Set<string>>();

  /** Whether a file the index names is still there: one listing of its folder, not a stat a file (10,000 on a re-run). */
  private exists(path: string): boolean {
    const dir = dirname(path);
    let names = this.listings.get(dir);
    if (!names) {
      try {
        names = new Set(readdirSync(dir));
      } catch {
        names = new Set();
      }
      this.listings.set(dir, names);
    }
    return names.has(basename(path));
  }

  /** Each folder is made once per run, not once per file (thousands of models share a few). */
  private folder(dir: string): Promise<unknown> {
    let made = this.folders.get(dir);
    if (!made) {
      made = mkdir(dir, { recursive: true });
      this.folders.set(dir, made);
    }
    return made;
  }

  /** Waits for the writes, then records what the files now hold (files not written this run keep their entry). */
  async finish(): Promise<void> {
    await Promise.all(this.running);
    writeText(this.indexPath, JSON.stringify({ ...this.previous, ...this.current }));
  }
}
