import { readdirSync, statSync, type Dirent } from 'node:fs';
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
  /** For a folder a tree walked, the entries it took in, sorted (what `settle` compares). */
  walked?: string[];
}

/** Builds a FileIndex: whole trees (`tree`) and single paths (`file`). */
export class FileIndexBuilder {
  private readonly seen = new Set<string>();
  private readonly groups = new Map<string, Group>();
  private readonly absent: string[] = [];
  /** A file name holds the separator: no index can be made (`index` is null). */
  private unlisted = false;

  /** Files listed by a tree whose size and time are filled in by `complete`, where each sits in its group's numbers. */
  private readonly pending: Array<{ path: string; group: Group; at: number }> = [];

  constructor(
    private readonly base: string,
    /** Folders and files left out of a tree (the target folder, the logs). */
    private readonly skip: (absolute: string) => boolean,
    /**
     * Files a tree lists without looking them up: the ones the command will read itself, whose size
     * and time as it read them `complete` takes (a stat of each now would be a second look).
     */
    private readonly deferred: (absolute: string) => boolean = () => false,
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

  private addFile(path: string, size: number, mtimeMs: number): Group {
    const dir = dirname(path);
    const name = path.slice(dir.length + (dir.endsWith(sep) ? 0 : 1));
    if (name.includes(NAME_SEPARATOR)) this.unlisted = true;
    const group = this.group(dir, null);
    group.names.push(name);
    group.numbers.push(size, mtimeMs);
    return group;
  }

  /**
   * A folder and everything below it, as discovery sees it: names starting with a dot and
   * node_modules are left out (discovery never reads them).
   */
  tree(root: string, depth = 0): void {
    if (this.seen.has(root) || this.skip(root)) return;
    this.seen.add(root);
    const stats = statSync(root, { throwIfNoEntry: false });
    if (!stats) this.absent.push(this.name(root));
    else if (!stats.isDirectory()) this.addFile(root, stats.size, stats.mtimeMs);
    else {
      const group = this.group(root, stats.mtimeMs);
      if (depth > MAX_DEPTH) return;
      const entries = this.entries(root);
      group.walked = entries.map((entry) => entry.name);
      for (const entry of entries) {
        const path = this.join(root, entry.name);
        if (entry.isFile() && this.deferred(path) && !this.seen.has(path)) {
          this.seen.add(path);
          const fileGroup = this.addFile(path, NaN, NaN);
          this.pending.push({ path, group: fileGroup, at: fileGroup.numbers.length - 2 });
        } else this.tree(path, depth + 1);
      }
    }
  }

  private join(dir: string, name: string): string {
    return dir.endsWith(sep) ? dir + name : dir + sep + name;
  }

  /** A folder's entries a tree takes in, by name: not those starting with a dot, node_modules or what is skipped. */
  private entries(dir: string): Dirent[] {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules' && !this.skip(this.join(dir, entry.name)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Folders listed before a command wrote into them what the index leaves out (target/, the logs,
   * the embedded database's .kpi/): a folder whose entries, apart from those, are the ones it had
   * takes its time now, else the next check would always fail. A folder that gained, lost or
   * renamed an entry the index takes in keeps its old time, and the next check fails, as it must.
   */
  settle(): void {
    for (const [dir, group] of this.groups) {
      const entries = group.walked;
      if (!entries || group.mtimeMs === null) continue;
      // Its time before its entries: an entry added after the time was read changes the time again.
      const stats = statSync(dir, { throwIfNoEntry: false });
      if (!stats || stats.mtimeMs === group.mtimeMs) continue;
      let now: string[];
      try {
        now = this.entries(dir).map((entry) => entry.name);
      } catch {
        continue;
      }
      if (now.length === entries.length && now.every((name, at) => name === entries[at])) group.mtimeMs = stats.mtimeMs;
    }
  }

  /**
   * The deferred files' sizes and times: as the command read them (`read`, by absolute path), else
   * looked up now. A file gone since it was listed gets numbers no file has, so the index never holds.
   */
  complete(read: ReadonlyMap<string, { size: number; mtimeMs: number }>): void {
    for (const { path, group, at } of this.pending.splice(0)) {
      const stats = read.get(path) ?? statSync(path, { throwIfNoEntry: false });
      group.numbers[at] = stats ? stats.size : -1;
      group.numbers[at + 1] = stats ? stats.mtimeMs : -1;
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

  /** The index, or null when a file's name cannot be listed in it (or a deferred file was never completed). */
  get index(): FileIndex | null {
    if (this.unlisted || this.pending.length > 0) return null;
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
