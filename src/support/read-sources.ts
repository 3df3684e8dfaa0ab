import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** A file's text and the size and modification time it had when it was read (one open: the three agree). */
export interface SourceFile {
  text: string;
  size: number;
  mtimeMs: number;
}

/** Reads one file with its stats from one open (readFileSync of the path, then statSync, looked it up twice). */
export function readSourceFile(path: string): SourceFile {
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    return { text: readFileSync(fd, 'utf8'), size: stats.size, mtimeMs: stats.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the files in order, a batch a message; an error message stands for a file it could not
 * read (the main thread reads that one again, and so reports the error where the parse asks).
 * Each file is claimed first (`claims`, shared with the main thread): a file the main thread
 * claimed, because it needed it before the thread had started, is skipped.
 * Inline source, so it runs the same from dist/, the bundle and under the test runner.
 */
const READER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, fstatSync, openSync, readFileSync } = require('node:fs');
const { paths, claims } = workerData;
const BATCH = 64;
let batch = [];
for (let i = 0; i < paths.length; i++) {
  if (Atomics.compareExchange(claims, i, 0, 1) !== 0) continue;
  const path = paths[i];
  try {
    const fd = openSync(path, 'r');
    try {
      const stats = fstatSync(fd);
      batch.push([path, readFileSync(fd, 'utf8'), stats.size, stats.mtimeMs]);
    } finally {
      closeSync(fd);
    }
  } catch {
    batch.push([path, null, 0, 0]);
  }
  if (batch.length === BATCH) {
    parentPort.postMessage(batch);
    batch = [];
  }
}
parentPort.postMessage(batch);
`;

/** Files to read before a reader thread is worth starting (its start costs about what a few hundred reads do). */
const READER_THRESHOLD = 512;

/**
 * The source files a parse will read, read ahead on a thread of their own while the parse works
 * on the files before them: on a first parse of a big project, reading each file (open, stat, read,
 * close) was a sixth of the main thread's time. A file not asked for ahead, or that the thread
 * could not read, is read here when asked for. Every file read records its stats (`readFiles`), which
 * the partial-parse cache keeps, so a file is not looked up again after its parse.
 */
export class SourceReader {
  private readonly ready = new Map<string, SourceFile>();
  private readonly waiting = new Map<string, (file: SourceFile | null) => void>();
  /** Files the thread may still read, by path: the index of the first claim for each (a path may be listed twice). */
  private readonly ahead = new Map<string, number>();
  /** One a file asked ahead: 0 unclaimed, 1 the thread's, 2 read here. */
  private claims: Int32Array | null = null;
  private readonly read = new Map<string, { size: number; mtimeMs: number }>();
  private worker: Worker | null = null;

  /** Starts reading `paths` ahead when there are at least `minimum` of them (enough to pay for a thread). */
  readAhead(paths: readonly string[], minimum = READER_THRESHOLD): void {
    if (paths.length < minimum || this.worker) return;
    paths.forEach((path, index) => {
      if (!this.ahead.has(path)) this.ahead.set(path, index);
    });
    // A thread takes tens of milliseconds to start: until it does, the files the parse asks for are read here, and the thread skips them.
    this.claims = new Int32Array(new SharedArrayBuffer(paths.length * Int32Array.BYTES_PER_ELEMENT));
    const worker = new Worker(READER_SOURCE, { eval: true, workerData: { paths, claims: this.claims } });
    worker.on('message', (batch: Array<[string, string | null, number, number]>) => {
      for (const [path, text, size, mtimeMs] of batch) this.arrive(path, text === null ? null : { text, size, mtimeMs });
    });
    // A thread that fails leaves the rest to be read here.
    const giveUp = () => {
      this.worker = null;
      for (const path of [...this.waiting.keys()]) this.arrive(path, null);
      this.ahead.clear();
    };
    worker.on('error', giveUp);
    worker.on('exit', giveUp);
    // Kept referenced (a parse awaiting a file must keep the process alive); close() ends it, whatever the parse's outcome.
    this.worker = worker;
  }

  private arrive(path: string, file: SourceFile | null): void {
    this.ahead.delete(path);
    const resolve = this.waiting.get(path);
    if (resolve) {
      this.waiting.delete(path);
      resolve(file);
    } else if (file) this.ready.set(path, file);
  }

  /** The file's text, from the thread when it was read ahead, else read now. */
  async text(path: string): Promise<string> {
    let file = this.ready.get(path) ?? null;
    if (file) this.ready.delete(path);
    else if (this.claimHere(path)) this.ahead.delete(path);
    // One waiter a file: a second ask while the first waits (the same file in two folders' lists) reads it here.
    else if (this.ahead.has(path) && !this.waiting.has(path)) file = await new Promise<SourceFile | null>((resolve) => this.waiting.set(path, resolve));
    file ??= readSourceFile(path);
    this.read.set(path, { size: file.size, mtimeMs: file.mtimeMs });
    return file.text;
  }

  /** Whether the file, asked ahead, was not yet claimed by the thread: it is then this thread's to read. */
  private claimHere(path: string): boolean {
    const index = this.ahead.get(path);
    return index !== undefined && this.claims !== null && Atomics.compareExchange(this.claims, index, 0, 2) === 0;
  }

  /** Every file read through this reader, by path, with its size and modification time as read (a file not read through it is absent). */
  get readFiles(): ReadonlyMap<string, { size: number; mtimeMs: number }> {
    return this.read;
  }

  /** Stops the thread (files not yet asked for are dropped). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.ready.clear();
    if (worker) await worker.terminate();
  }
}
