import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, sep } from 'node:path';

/**
 * What a set of folders and files held, cheaply checked again: each folder's modification
 * time (adding, removing or renaming an entry in it changes that), each file's size and
 * modification time, and the paths that did not exist. Files are listed under their folder,
 * by name; a folder's path is relative to the base folder the index was made for where it lies
 * below it ('.' for the base itself).
 */
export interface FileIndex {
  /** A folder, its modification time (null: not checked, only the files listed in it), and files in it: name, size, modification time. */
  dirs: Array<[path: string, mtimeMs: number | null, files: Array<[name: string, size: number, mtimeMs: number]>]>;
  absent: string[];
}

/** Symlinked folders are followed, as discovery follows them; a loop stops here. */
const MAX_DEPTH = 32;

/** Builds a FileIndex: whole trees (`tree`) and single paths (`file`). */
export class FileIndexBuilder {
  readonly index: FileIndex = { dirs: [], absent: [] };
  private readonly seen = new Set<string>();
  private readonly groups = new Map<string, FileIndex['dirs'][number]>();

  constructor(
    private readonly base: string,
    /** Folders and files left out of a tree (the target folder, the logs). */
    private readonly skip: (absolute: string) => boolean,
  ) {}

  private name(absolute: string): string {
    const inside = relative(this.base, absolute);
    return inside === '' ? '.' : inside.startsWith('..') || isAbsolute(inside) ? absolute : inside;
  }

  private group(dir: string, mtimeMs: number | null): FileIndex['dirs'][number] {
    let group = this.groups.get(dir);
    if (!group) {
      group = [this.name(dir), mtimeMs, []];
      this.groups.set(dir, group);
      this.index.dirs.push(group);
    } else if (mtimeMs !== null) group[1] = mtimeMs;
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
    if (!stats) this.index.absent.push(this.name(root));
    else if (!stats.isDirectory()) this.group(dirname(root), null)[2].push([root.slice(dirname(root).length + 1), stats.size, stats.mtimeMs]);
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
    if (!stats) this.index.absent.push(this.name(path));
    else if (stats.isDirectory()) this.group(path, stats.mtimeMs);
    else this.group(dirname(path), null)[2].push([path.slice(dirname(path).length + 1), stats.size, stats.mtimeMs]);
  }

  /** Whether a file was modified at or after `ms` (while the command that read it ran: what it read may not be what the index holds). */
  touchedSince(ms: number): boolean {
    return this.index.dirs.some(([, , files]) => files.some(([, , mtimeMs]) => mtimeMs >= ms));
  }
}

/** Whether every folder, file and absent path of the index is as it was: a stat each, paths joined by hand (path.join on 10,000 files shows in a profile). */
export function fileIndexUnchanged(base: string, index: FileIndex): boolean {
  const at = (path: string) => (path === '.' ? base : isAbsolute(path) ? path : base + sep + path);
  for (const [path, mtimeMs, files] of index.dirs) {
    const dir = at(path);
    if (mtimeMs !== null) {
      const stats = statSync(dir, { throwIfNoEntry: false });
      if (!stats || !stats.isDirectory() || stats.mtimeMs !== mtimeMs) return false;
    }
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    for (const [name, size, fileMtimeMs] of files) {
      const stats = statSync(prefix + name, { throwIfNoEntry: false });
      if (!stats || stats.isDirectory() || stats.size !== size || stats.mtimeMs !== fileMtimeMs) return false;
    }
  }
  for (const path of index.absent) if (statSync(at(path), { throwIfNoEntry: false })) return false;
  return true;
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
        Array.isArray(entry[2]) &&
        entry[2].every((file) => Array.isArray(file) && typeof file[0] === 'string' && typeof file[1] === 'number' && typeof file[2] === 'number'),
    ) &&
    Array.isArray(index.absent) &&
    index.absent.every((entry) => typeof entry === 'string')
  );
}
