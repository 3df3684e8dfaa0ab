import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, sep } from 'node:path';

/**
 * What a set of folders and files held, cheaply checked again: each folder's modification
 * time (adding, removing or renaming an entry in it changes that), each file's size and
 * modification time, and the paths that did not exist. A folder's path is relative to the
 * base folder the index was made for where it lies below it ('.' for the base itself).
 *
 * Compact, as it is read on every check: a folder's files are its names joined by a newline
 * and one array of numbers (size, time, size, time...), not an array a file (JSON.parse of
 * 10,000 small arrays, and collecting them, was a tenth of a replayed compile).
 */
export interface FileIndex {
  /** A folder, its modification time (null: not checked, only the files listed in it), the names of files in it, and their sizes and times. */
  dirs: Array<[path: string, mtimeMs: number | null, names: string, sizesAndTimes: number[]]>;
  absent: string[];
}

export const NAME_SEPARATOR = '\n';

/** Symlinked folders are followed, as discovery follows them; a loop stops here. */
const MAX_DEPTH = 32;

interface Group {
  path: string;
  mtimeMs: number | null;
  names: string[];
  numbers: number[];
}

/** Builds a FileIndex: whole trees (`tree`) and single paths (`file`). */
export class FileIndexBuilder {
  private readonly seen = new Set<string>();
  private readonly groups = new Map<string, Group>();
  private readonly absent: string[] = [];
  /** A file name holds the separator: no index can be made (`index` is null). */
  private unlisted = false;

  constructor(
    private readonly base: string,
    /** Folders and files left out of a tree (the target folder, the logs). */
    private readonly skip: (absolute: string) => boolean,
    /**
     * Files whose size and time are known already, by absolute path: as the parse read them. Recorded
     * so, the index describes what the result was made from: a file changed after its read, even to
     * an earlier time (which `touchedSince` cannot see), differs from its entry, and the next check
     * fails. Nor is a file looked up twice.
     */
    private readonly known: ReadonlyMap<string, { size: number; mtimeMs: number }> = new Map(),
  ) {}

  private name(absolute: string): string {
    const inside = relative(this.base, absolute);
    return inside === '' ? '.' : inside.startsWith('..') || isAbsolute(inside) ? absolute : inside;
  }

  private group(dir: string, mtimeMs: number | null): Group {
    let group = this.groups.get(dir);
    if (!group) {
      group = { path: this.name(dir), mtimeMs, names: [], numbers: [] };
      this.groups.set(dir, group);
    } else if (mtimeMs !== null) group.mtimeMs = mtimeMs;
    return group;
  }

  private addFile(path: string, size: number, mtimeMs: number): void {
    const dir = dirname(path);
    const name = path.slice(dir.length + (dir.endsWith(sep) ? 0 : 1));
    if (name.includes(NAME_SEPARATOR)) this.unlisted = true;
    const group = this.group(dir, null);
    group.names.push(name);
    group.numbers.push(size, mtimeMs);
  }

  /**
   * A folder and everything below it, as discovery sees it: names starting with a dot and
   * node_modules are left out (discovery never reads them).
   */
  tree(root: string, depth = 0): void {
    if (this.seen.has(root) || this.skip(root)) return;
    this.seen.add(root);
    const read = this.known.get(root);
    if (read) return this.addFile(root, read.size, read.mtimeMs);
    const stats = statSync(root, { throwIfNoEntry: false });
    if (!stats) this.absent.push(this.name(root));
    else if (!stats.isDirectory()) this.addFile(root, stats.size, stats.mtimeMs);
    else {
      this.group(root, stats.mtimeMs);
      if (depth > MAX_DEPTH) return;
      for (const entry of readdirSync(root).sort()) {
        if (entry.startsWith('.') || entry === 'node_modules') continue;
        this.tree(root.endsWith(sep) ? root + entry : root + sep + entry, depth + 1);
      }
    }
  }

  /** One path: a file's size and time, a folder's time (not what is in it), or that it is absent. */
  file(path: string): void {
    if (this.seen.has(path)) return;
    this.seen.add(path);
    const stats = statSync(path, { throwIfNoEntry: false });
    if (!stats) this.absent.push(this.name(path));
    else if (stats.isDirectory()) this.group(path, stats.mtimeMs);
    else this.addFile(path, stats.size, stats.mtimeMs);
  }

  /** Whether a file was modified at or after `ms` (while the command that read it ran: what it read may not be what the index holds). */
  touchedSince(ms: number): boolean {
    for (const group of this.groups.values()) {
      for (let at = 1; at < group.numbers.length; at += 2) if (group.numbers[at] >= ms) return true;
    }
    return false;
  }

  /** The index, or null when a file's name cannot be listed in it. */
  get index(): FileIndex | null {
    if (this.unlisted) return null;
    return { dirs: [...this.groups.values()].map((group) => [group.path, group.mtimeMs, group.names.join(NAME_SEPARATOR), group.numbers]), absent: this.absent };
  }
}

/** Whether every folder, file and absent path of the index is as it was: a stat each, paths joined by hand (path.join on 10,000 files shows in a profile). */
export function fileIndexUnchanged(base: string, index: FileIndex): boolean {
  const at = (path: string) => (path === '.' ? base : isAbsolute(path) ? path : base + sep + path);
  for (const [path, mtimeMs, names, numbers] of index.dirs) {
    const dir = at(path);
    if (mtimeMs !== null) {
      const stats = statSync(dir, { throwIfNoEntry: false });
      if (!stats || !stats.isDirectory() || stats.mtimeMs !== mtimeMs) return false;
    }
    if (names === '') continue;
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    let number = 0;
    for (const name of names.split(NAME_SEPARATOR)) {
      const stats = statSync(prefix + name, { throwIfNoEntry: false });
      if (!stats || stats.isDirectory() || stats.size !== numbers[number] || stats.mtimeMs !== numbers[number + 1]) return false;
      number += 2;
    }
  }
  for (const path of index.absent) if (statSync(at(path), { throwIfNoEntry: false })) return false;
  return true;
}

/** How many names `joinNames` joined into `names`. */
export function countNames(names: string): number {
  if (names === '') return 0;
  let count = 1;
  for (let at = names.indexOf(NAME_SEPARATOR); at !== -1; at = names.indexOf(NAME_SEPARATOR, at + 1)) count++;
  return count;
}

export function isFileIndex(value: unknown): value is FileIndex {
  if (!value || typeof value !== 'object') return false;
  const index = value as Partial<FileIndex>;
  return (
    Array.isArray(index.dirs) &&
    index.dirs.every(
      (entry) =>
        Array.isArray(entry) &&
        typeof entry[0] === 'string' &&
        (entry[1] === null || typeof entry[1] === 'number') &&
        typeof entry[2] === 'string' &&
        Array.isArray(entry[3]) &&
        // Two numbers a name.
        entry[3].length === 2 * countNames(entry[2]) &&
        entry[3].every((number) => typeof number === 'number'),
    ) &&
    Array.isArray(index.absent) &&
    index.absent.every((entry) => typeof entry === 'string')
  );
}
