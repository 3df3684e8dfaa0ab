import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readText } from '../support/read-text.js';
import { join } from 'node:path';
import { writeText } from '../support/write-file.js';
import type { Diagnostic } from '../support/diagnostics.js';
import type { Environment } from '../template/env-var.js';
import { KPI_VERSION } from '../manifest/version.js';
import { sha256 } from './checksum.js';
import type { DiscoveredFile } from './discover-files.js';
import type { ManifestNode } from '../manifest/types.js';

const FORMAT = `kpi-${KPI_VERSION}-partial-parse-3`;

interface CachedFile {
  mtimeMs: number;
  size: number;
  /** The `--vars` parsing this file read (trackingVars): a change of one of them parses it again. */
  vars: Record<string, string | null>;
  node: ManifestNode;
  diagnostics: Diagnostic[];
  /** serialiseNode(node).hash, taken when it was parsed (absent in caches written before it was kept: then computed). */
  hash?: string;
}

interface CachedTests {
  /** What the tests read besides the key and the cached files: the snapshots and the singular test files. */
  fingerprint: string;
  nodes: ManifestNode[];
  diagnostics: Diagnostic[];
}

interface CacheFile {
  format: string;
  key: string;
  env: Record<string, string | null>;
  /** The `--vars` the parse read (`var()`), by name: the value's fingerprint, or null where it was not given. */
  vars: Record<string, string | null>;
  files: Record<string, CachedFile>;
  tests?: CachedTests;
  /** The hash of the parsed nodes' JSON the data tests' fingerprint was computed from (nodesHash). */
  nodesHash?: string;
  /** Minted each time the file is written: a parse that reuses it whole has the parse of this generation's manifest (see `generation`). */
  generation?: string;
}

/** Of a `--vars` value, for telling whether it changed; never equal for what JSON cannot tell apart. */
function varFingerprint(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_, item: unknown) => {
        if (item === undefined) return '\u0000undefined';
        if (typeof item === 'number' && !Number.isFinite(item)) return `\u0000${item}`;
        if (typeof item === 'function' || typeof item === 'symbol' || typeof item === 'bigint') throw new Error('not comparable');
        return item;
      }) ?? '\u0000undefined'
    );
  } catch {
    return `\u0000${Math.random()}`;
  }
}

/** The name under which a parse that listed every var (a did-you-mean) records the names it saw. */
const ALL_NAMES = '\u0000names';

export function currentVar(vars: Record<string, unknown>, name: string): string | null {
  if (name === ALL_NAMES) return JSON.stringify(Object.keys(vars).sort());
  return Object.prototype.hasOwnProperty.call(vars, name) ? varFingerprint(vars[name]) : null;
}

/**
 * `--vars` that record what a parse reads of them: a daily run passes a new date, and only
 * what read that var (not every model) must be parsed again.
 */
export function trackingVars(vars: Record<string, unknown>, read: Map<string, string | null>): Record<string, unknown> {
  const note = (name: string | symbol) => {
    if (typeof name === 'string' && !read.has(name)) read.set(name, currentVar(vars, name));
  };
  return new Proxy(vars, {
    get: (target, name) => {
      note(name);
      return Reflect.get(target, name) as unknown;
    },
    has: (target, name) => {
      note(name);
      return Reflect.has(target, name);
    },
    getOwnPropertyDescriptor: (target, name) => {
      note(name);
      return Reflect.getOwnPropertyDescriptor(target, name);
    },
    ownKeys: (target) => {
      note(ALL_NAMES);
      for (const name of Object.keys(target)) note(name);
      return Reflect.ownKeys(target);
    },
  });
}

/**
 * dbt's partial parse: a node whose file is unchanged (same size and modification time)
 * is taken from the previous parse instead of being rendered again, as long as nothing it
 * could depend on changed — the project file, the target, macros, property and docs files
 * (all in `key`), and the environment variables and `--vars` the last parse read (dbt
 * parses everything again on any change of --vars; a daily run's new date then cost a
 * full parse).
 */
export class PartialParseCache {
  private readonly previous: CacheFile | null;
  private readonly next: CacheFile;
  readonly envRead = new Map<string, string | null>();

  constructor(
    private readonly path: string | null,
    key: string,
    private readonly env: Environment,
    private readonly cliVars: Record<string, unknown> = {},
    /** What this parse reads of --vars outside a node's own file (trackingVars), filled in as it goes. */
    private readonly varsRead: Map<string, string | null> = new Map(),
  ) {
    this.previous = path ? readCache(path, key, env, cliVars) : null;
    this.next = { format: FORMAT, key, env: {}, vars: {}, files: {} };
  }

  /** Environment access that records what was read, so a later change invalidates the cache. */
  trackingEnv(): Environment {
    return new Proxy(this.env, {
      get: (target, name) => {
        const value = typeof name === 'string' ? target[name] : undefined;
        if (typeof name === 'string') this.envRead.set(name, value ?? null);
        return value;
      },
    });
  }

  get hits(): number {
    return this.reused;
  }

  /** The files whose entries were reused, by absolute path, with the size and time that matched. */
  readonly reusedFiles = new Map<string, { size: number; mtimeMs: number }>();

  private reused = 0;

  /** The cached node for an unchanged file, or null when it must be parsed again. */
  lookup(file: DiscoveredFile): { node: ManifestNode; diagnostics: Diagnostic[] } | null {
    const cached = this.previous?.files[file.path];
    if (!cached) return null;
    const stats = statSync(file.absolute);
    if (stats.mtimeMs !== cached.mtimeMs || stats.size !== cached.size) return null;
    for (const [name, value] of Object.entries(cached.vars)) if (currentVar(this.cliVars, name) !== value) return null;
    this.reused++;
    this.reusedFiles.set(file.absolute, { size: stats.size, mtimeMs: stats.mtimeMs });
    this.next.files[file.path] = cached;
    if (typeof cached.hash === 'string') this.nodeHashes.set(cached.node, cached.hash);
    return { node: cached.node, diagnostics: cached.diagnostics };
  }

  /** Files parsed this run, as the JSON text of their entries: taken now, before later stages add to the node, and written as is. */
  private readonly parsed = new Map<string, string>();

  /** serialiseNode().hash of the nodes this parse reused or parsed, for nodesHash(). */
  private readonly nodeHashes = new Map<ManifestNode, string>();

  /** Whether the last parse left an entry for the file (it may still be stale: lookup() tells). */
  knows(file: DiscoveredFile): boolean {
    return this.previous?.files[file.path] !== undefined;
  }

  /** `read`: the file's size and time as its parse read it (one open gave both), else they are looked up now. */
  remember(file: DiscoveredFile, node: ManifestNode, diagnostics: Diagnostic[], varsRead: ReadonlyMap<string, string | null>, read?: { size: number; mtimeMs: number }): void {
    const stats = read ?? statSync(file.absolute);
    // The node is serialised once, for its entry and its hash; the text is JSON.stringify(entry)'s.
    const { json, hash } = serialiseNode(node);
    this.nodeHashes.set(node, hash);
    const head = JSON.stringify({ mtimeMs: stats.mtimeMs, size: stats.size, vars: Object.fromEntries(varsRead) } satisfies Omit<CachedFile, 'node' | 'diagnostics'>);
    this.parsed.set(file.path, `${head.slice(0, -1)},"node":${json},"diagnostics":${JSON.stringify(diagnostics)},"hash":${JSON.stringify(hash)}}`);
    delete this.next.files[file.path];
  }

  /** Every file of the last parse was reused, and no file is new: nothing the parse read from files changed. */
  private allReused(): boolean {
    return this.previous !== null && this.reused === Object.keys(this.previous.files).length && this.parsed.size === 0;
  }

  /**
   * The hash of the nodes' contents (their JSON apart from created_at), in order, for the data
   * tests' fingerprint: the last parse's when every file of it was reused and none was parsed (the
   * nodes are then the cached ones, in the same order), else one made of each node's hash, taken
   * when it was parsed (remember), from its cache entry, or computed now for a node that has neither.
   */
  nodesHash(freshFiles: number, nodes: readonly ManifestNode[]): string {
    const previous = this.previous;
    const reusedAll = previous !== null && freshFiles === 0 && this.reused === Object.keys(previous.files).length;
    const hash = reusedAll && previous.nodesHash !== undefined ? previous.nodesHash : sha256(nodes.map((node) => this.nodeHashes.get(node) ?? serialiseNode(node).hash).join(','));
    this.next.nodesHash = hash;
    return hash;
  }

  private testsJson: string | undefined;
  private testsReused = false;

  /**
   * The data tests of the last parse, when nothing they were built from changed: the key
   * (property files, macros, project file...) and `fingerprint` (the nodes they test, as
   * parsed, and the files they read). All or nothing: tests read the configs of the nodes
   * they test, so a file parsed again to the same node (a new --vars value it read) keeps them.
   */
  lookupTests(fingerprint: string): { nodes: ManifestNode[]; diagnostics: Diagnostic[] } | null {
    const tests = this.previous?.tests;
    if (!tests || tests.fingerprint !== fingerprint) return null;
    this.testsReused = true;
    this.next.tests = tests;
    return { nodes: tests.nodes, diagnostics: tests.diagnostics };
  }

  /** Taken as JSON text now: later stages add to the nodes. */
  rememberTests(fingerprint: string, nodes: ManifestNode[], diagnostics: Diagnostic[]): void {
    const entry: CachedTests = { fingerprint, nodes, diagnostics };
    this.testsJson = JSON.stringify(entry);
  }

  /**
   * After save(): names the manifest this parse gives (apart from timestamps and invocation
   * ids). Kept from the last file when it was reused whole and so not written again (the key,
   * every file, the tests, the env and --vars read all as they were); new whenever the file
   * is written. Null without a cache path. What is derived from a manifest alone (compiled
   * SQL, compile/compiled-sql-memo.ts) may be reused while it stays the same.
   */
  generation: string | null = null;

  save(): void {
    if (!this.path) return;
    const unchanged =
      this.allReused() && this.testsReused && [...this.envRead.keys()].every((name) => name in this.previous!.env) && [...this.varsRead.keys()].every((name) => name in this.previous!.vars);
    if (unchanged && typeof this.previous!.generation === 'string') {
      this.generation = this.previous!.generation;
      return;
    }
    this.generation = randomUUID();
    for (const [name, value] of this.envRead) this.next.env[name] = value;
    for (const [name, value] of Object.entries(this.previous?.env ?? {})) if (!(name in this.next.env)) this.next.env[name] = value;
    for (const [name, value] of this.varsRead) this.next.vars[name] = value;
    for (const [name, value] of Object.entries(this.previous?.vars ?? {})) if (!(name in this.next.vars)) this.next.vars[name] = value;
    // The file as JSON.stringify(this.next) would write it, with the parsed entries' text spliced in.
    const files = [...Object.entries(this.next.files).map(([path, cached]) => [path, JSON.stringify(cached)]), ...this.parsed];
    const head = JSON.stringify({ format: this.next.format, key: this.next.key, env: this.next.env, vars: this.next.vars, nodesHash: this.next.nodesHash, generation: this.generation });
    const tests = this.testsJson ?? (this.next.tests ? JSON.stringify(this.next.tests) : undefined);
    writeText(this.path, `${head.slice(0, -1)},"files":{${files.map(([path, text]) => `${JSON.stringify(path)}:${text}`).join(',')}}${tests ? `,"tests":${tests}` : ''}}`);
  }
}

/**
 * Stands for a node's created_at while it is serialised: a parse time, which changes every run,
 * must not change the node's hash. A number, so the field keeps its representation; one no
 * parse gives (a time before 1970), and the text is used only when it occurs once.
 */
const CREATED_AT_MARK = -1.2345e-300;
const CREATED_AT_TEXT = `"created_at":${JSON.stringify(CREATED_AT_MARK)}`;

/**
 * A node's JSON (what JSON.stringify gives) and the hash of its contents apart from
 * created_at: one serialisation for both.
 */
export function serialiseNode(node: ManifestNode): { json: string; hash: string } {
  if (!Object.prototype.hasOwnProperty.call(node, 'created_at') || typeof node.created_at !== 'number') {
    const json = JSON.stringify(node);
    return { json, hash: sha256(json) };
  }
  const createdAt = node.created_at;
  let marked: string;
  node.created_at = CREATED_AT_MARK;
  try {
    marked = JSON.stringify(node);
  } finally {
    node.created_at = createdAt;
  }
  const at = marked.indexOf(CREATED_AT_TEXT);
  const once = at >= 0 && marked.indexOf(CREATED_AT_TEXT, at + CREATED_AT_TEXT.length) < 0;
  const json = once ? `${marked.slice(0, at)}"created_at":${JSON.stringify(createdAt)}${marked.slice(at + CREATED_AT_TEXT.length)}` : JSON.stringify(node);
  return { json, hash: sha256(marked) };
}

function readCache(path: string, key: string, env: Environment, cliVars: Record<string, unknown>): CacheFile | null {
  if (!existsSync(path)) return null;
  try {
    const cache = JSON.parse(readText(path)) as CacheFile;
    if (cache.format !== FORMAT || cache.key !== key || !cache.vars) return null;
    for (const [name, value] of Object.entries(cache.env)) if ((env[name] ?? null) !== value) return null;
    for (const [name, value] of Object.entries(cache.vars)) if (currentVar(cliVars, name) !== value) return null;
    return cache;
  } catch {
    // A damaged cache only costs a full parse.
    return null;
  }
}

export function partialParsePath(targetDir: string): string {
  return join(targetDir, 'partial_parse.json');
}

/** Everything outside a node's own file that its parse result can depend on. */
export function partialParseKey(parts: Record<string, unknown>): string {
  return sha256(JSON.stringify({ format: FORMAT, ...parts }));
}
