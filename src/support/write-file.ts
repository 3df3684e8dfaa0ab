import { hash as digest } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFile, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * A thread that writes batches of files one after another, with the synchronous calls:
 * for thousands of small files that costs a fraction of the CPU of fs.writeFile's three
 * thread-pool round trips (open, write, close) and their callbacks each, and the event loop
 * stays free. Inline source, so it runs the same from dist/ and under the test runner.
 */
const WRITER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const made = new Set();
parentPort.on('message', (batch) => {
  if (batch === null) return parentPort.postMessage({ done: true });
  try {
    for (const [path, text] of batch) {
      const dir = dirname(path);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(path, text);
    }
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
`;

function sha1(text: string): string {
  return digest('sha1', text, 'base64');
}

/** Files to write before a writer thread is worth starting (its start costs about what 100 writes do). */
const WRITER_THRESHOLD = 256;

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
 * says, off the event loop (a writer thread for many files, the thread pool for a few). A re-run of a big project
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

  /** Files waiting for the writer thread, and the thread once started (a run that writes few files starts none). */
  private batch: Array<[string, string]> = [];
  private writer: { worker: Worker; failed: Error | null; done: Promise<void> } | null = null;

  async write(path: string, text: string): Promise<void> {
    const hash = sha1(text);
    this.current[path] = hash;
    if (this.previous[path] === hash && this.exists(path)) return;
    this.batch.push([path, text]);
    if (this.batch.length >= WRITER_THRESHOLD) this.flush();
  }

  /** Hands the waiting files to the writer thread, starting it the first time. */
  private flush(): void {
    if (!this.writer) {
      const worker = new Worker(WRITER_SOURCE, { eval: true });
      const writer: { worker: Worker; failed: Error | null; done: Promise<void> } = { worker, failed: null, done: Promise.resolve() };
      writer.done = new Promise<void>((resolve, reject) => {
        worker.on('message', (message: { done?: boolean; error?: string }) => {
          if (message.error !== undefined) writer.failed ??= new Error(message.error);
          if (message.done) resolve();
        });
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the file writer stopped (exit code ${code})`))));
      });
      // Awaited in finish(); a failure before then must not be an unhandled rejection.
      writer.done.catch(() => undefined);
      // Until finish() waits for it, the thread does not keep the process alive: a command that fails while rendering still exits.
      worker.unref();
      this.writer = writer;
    }
    this.writer.worker.postMessage(this.batch);
    this.batch = [];
  }

  /** Writes a few files on the thread pool, as a run that writes fewer than a batch does. */
  private async writeHere(path: string, text: string): Promise<void> {
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
    if (this.writer) {
      if (this.batch.length > 0) this.flush();
      const writer = this.writer;
      writer.worker.ref();
      writer.worker.postMessage(null);
      try {
        await writer.done;
      } finally {
        await writer.worker.terminate();
      }
      if (writer.failed) throw writer.failed;
    } else {
      for (const [path, text] of this.batch) await this.writeHere(path, text);
    }
    this.batch = [];
    await Promise.all(this.running);
    writeText(this.indexPath, JSON.stringify({ ...this.previous, ...this.current }));
  }
}
