/**
 * The unchanged re-run of `kpi compile`, replayed: when nothing the last compile read has
 * changed, its result is given again without parsing, building the manifest, selecting or
 * rendering (target/compile_replay.json). See `CompileReplay`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kpiLog } from '../artifacts/kpi-log.js';
import { rewriteManifestMetadata } from '../artifacts/write-manifest.js';
import { CompiledSqlMemo, compiledSqlMemoPath } from '../compile/compiled-sql-memo.js';
import type { LoadedProject } from '../config/load-project.js';
import type { RunEvent } from '../execution/types.js';
import type { Manifest } from '../manifest/types.js';
import { KPI_VERSION } from '../manifest/version.js';
import { currentVar, partialParsePath } from '../project/partial-parse.js';
import { countNames, FileIndexBuilder, fileIndexUnchanged, isFileIndex, NAME_SEPARATOR, type FileIndex } from '../support/file-index.js';
import { writeText } from '../support/write-file.js';
import { targetDir } from '../config/target-dir.js';
import type { Environment } from '../template/env-var.js';
import type { ParsedProject, ProjectOptions, SelectionOptions } from './project.js';

export interface CompiledNode {
  unique_id: string;
  name: string;
  /** Relative to the project directory. */
  path: string;
  sql: string;
}

/** What of `kpi compile`'s options a replay reads (CompileOptions: these and the database's). */
export interface ReplayOptions extends ProjectOptions, SelectionOptions {
  fullRefresh?: boolean;
  empty?: boolean;
  compiledSqlMemo?: boolean;
}

const FORMAT = `kpi-${KPI_VERSION}-compile-replay-1`;
const RECORD_FILE = 'compile_replay.json';

/** How far behind the time of day files' modification times may be (a kernel tick is 1-10 ms). */
const CLOCK_LAG_MS = 20;

interface ReplayRecord {
  format: string;
  /** CompiledSqlMemo.key of the generation and everything the command was given (CompileReplay.key). */
  key: string;
  /** The manifest generation the compile parsed (project/partial-parse.ts). */
  generation: string;
  /** Each environment variable the compile read (loading, parsing, the memo's checks): a hash of its value, or null where unset. */
  env: Record<string, string | null>;
  /** The project's files and folders, profiles.yml looked for, and the caches in target/ the compile read. */
  files: FileIndex;
  /** Where the project's kpi.log is (log-path). */
  logDir: string;
  metadata: Manifest['metadata'];
  /** The compiled nodes in order, by runs of the same folder (relative to the project): their unique ids, names and file names, each joined by a newline. */
  nodes: Array<[folder: string, uniqueIds: string, names: string, files: string]>;
  /** What the compile reported (its warnings), as it reported them. */
  events: RunEvent[];
}

function valueHash(value: string | undefined): string | null {
  return value === undefined ? null : createHash('sha256').update(value).digest('base64');
}

/** Environment access that records each name read (for the record) through to `env`. */
function trackingEnv(env: Environment, read: Set<string>): Environment {
  return new Proxy(env, {
    get: (target, name) => {
      if (typeof name === 'string') read.add(name);
      return Reflect.get(target, name) as unknown;
    },
    has: (target, name) => {
      if (typeof name === 'string') read.add(name);
      return Reflect.has(target, name);
    },
    ownKeys: (target) => {
      // Whoever lists the variables may act on any of them: every one is recorded.
      for (const name of Object.keys(target)) read.add(name);
      return Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor: (target, name) => {
      if (typeof name === 'string') read.add(name);
      return Reflect.getOwnPropertyDescriptor(target, name);
    },
  });
}

function isRecord(value: unknown): value is ReplayRecord {
  if (!value || typeof value !== 'object') return false;
  const record = value as Partial<ReplayRecord>;
  return (
    record.format === FORMAT &&
    typeof record.key === 'string' &&
    typeof record.generation === 'string' &&
    typeof record.logDir === 'string' &&
    !!record.env &&
    typeof record.env === 'object' &&
    Object.values(record.env).every((item) => item === null || typeof item === 'string') &&
    isFileIndex(record.files) &&
    !!record.metadata &&
    typeof record.metadata === 'object' &&
    Array.isArray(record.nodes) &&
    record.nodes.every(
      (run) => Array.isArray(run) && run.length === 4 && run.every((part) => typeof part === 'string') && countNames(run[1]) === countNames(run[2]) && countNames(run[1]) === countNames(run[3]),
    ) &&
    Array.isArray(record.events) &&
    record.events.every((event) => !!event && typeof event === 'object' && (event as { type?: unknown }).type === 'diagnostic')
  );
}

/**
 * A node of the replayed result: its SQL is read from the compiled file when asked for (the
 * list alone is printed at 10,000 nodes). A class, so the 10,000 share one getter.
 */
class ReplayedNode implements CompiledNode {
  #sql: string | undefined;

  constructor(
    readonly unique_id: string,
    readonly name: string,
    readonly path: string,
    readonly projectDir: string,
  ) {}

  get sql(): string {
    return (this.#sql ??= readFileSync(join(this.projectDir, this.path), 'utf8'));
  }

  /** As a compiled node is written: its SQL with it. */
  toJSON(): CompiledNode {
    return { unique_id: this.unique_id, name: this.name, path: this.path, sql: this.sql };
  }
}

/** The nodes as runs of the same folder (a compile's nodes come folder by folder); null when a name holds the separator. */
function byFolder(compiled: readonly CompiledNode[]): ReplayRecord['nodes'] | null {
  const runs: Array<[string, string[], string[], string[]]> = [];
  for (const node of compiled) {
    const folder = dirname(node.path);
    const parts = [node.unique_id, node.name, basename(node.path)];
    if (parts.some((part) => part.includes(NAME_SEPARATOR))) return null;
    let last = runs.at(-1);
    if (!last || last[0] !== folder) runs.push((last = [folder, [], [], []]));
    last[1].push(parts[0]);
    last[2].push(parts[1]);
    last[3].push(parts[2]);
  }
  return runs.map(([folder, ids, names, files]) => [folder, ids.join(NAME_SEPARATOR), names.join(NAME_SEPARATOR), files.join(NAME_SEPARATOR)]);
}

/**
 * The last `kpi compile`'s result, replayed while nothing it read has changed
 * (target/compile_replay.json, written after a compile whose every node came from, or went
 * into, the compiled-SQL memo, and none incremental). Valid while:
 * - the key is the same: CompiledSqlMemo.key of the recorded generation (so the engine's own
 *   files too) and what the command was given (project and profiles folders, target, threads,
 *   `--vars`, the selection and the flags);
 * - every environment variable the last compile read (loading the profile, parsing, the
 *   partial-parse cache's and memo's checks) has the same value;
 * - the file index is unchanged: every folder and file of the project (target/ and logs/ apart;
 *   names starting with a dot and node_modules left out, as discovery leaves them) and of its
 *   packages, the built-in macros, the profiles.yml files looked for, in target/ the
 *   partial-parse cache (which names the generation), the memo, the template and YAML caches and
 *   the compiled files' index, and the compiled files' folders (so every compiled file is there);
 * - manifest.json still holds that generation's manifest, so only its metadata is written
 *   (artifacts/write-manifest.ts).
 * Then the recorded warnings are reported again, manifest.json gets the new invocation id and
 * time, and the nodes are returned; their compiled files are as the last compile left them.
 * Anything else, or a missing or damaged record, and the command runs as before (`null`).
 */
export class CompileReplay<Options extends ReplayOptions> {
  private readonly envRead = new Set<string>();
  private readonly events: RunEvent[] = [];
  /**
   * When the command started, less the lag of the clock files are stamped with (the kernel's
   * coarse clock runs up to a tick behind): a file stamped after it may have changed while the
   * compile read it.
   */
  private readonly startedAt = performance.timeOrigin + performance.now() - CLOCK_LAG_MS;
  private readonly projectDir: string;
  /** The options for the normal path: the environment variables it reads and the events it reports are recorded. */
  readonly options: Options;
  /** The project, once loaded (with `options`): by the replay when the record is not in the default target folder, else by the normal path. */
  loaded: LoadedProject | undefined;

  private constructor(private readonly given: Options) {
    this.projectDir = resolve(given.projectDir ?? process.cwd());
    this.options = {
      ...given,
      env: trackingEnv(given.env ?? process.env, this.envRead),
      onEvent: (event) => {
        this.events.push(event);
        given.onEvent?.(event);
      },
    };
  }

  /** Null when the command cannot be replayed (no memo, no partial parse, a `state:` selection). */
  static open<Options extends ReplayOptions>(options: Options): CompileReplay<Options> | null {
    if (options.compiledSqlMemo === false || options.partialParse === false || options.state !== undefined) return null;
    return new CompileReplay(options);
  }

  /**
   * Everything the command was given that the files and environment variables do not say, as
   * CompiledSqlMemo.key of the generation (so the engine's own files too). The project is not
   * loaded for it: what loading gives is a function of these, the files and the environment.
   */
  private key(generation: string): string {
    const { given } = this;
    const vars = given.vars;
    return CompiledSqlMemo.key(generation, {
      replay: FORMAT,
      projectDir: this.projectDir,
      profilesDir: given.profilesDir === undefined ? null : resolve(given.profilesDir),
      target: given.target ?? null,
      targetConfig: given.targetConfig ?? null,
      threads: given.threads ?? null,
      vars:
        vars === undefined || typeof vars === 'string'
          ? (vars ?? null)
          : Object.fromEntries(
              Object.keys(vars)
                .sort()
                .map((name) => [name, currentVar(vars, name)]),
            ),
      select: given.select ?? null,
      exclude: given.exclude ?? null,
      fullRefresh: Boolean(given.fullRefresh),
      empty: Boolean(given.empty),
      staticParser: given.staticParser !== false,
      literalSharing: given.literalSharing !== false,
      home: homedir(),
    });
  }

  private tried = false;

  /**
   * The recorded result when it still holds, else null (the command then runs as before). The
   * record is looked for in the default target folder without loading the project; a project
   * whose target-path says otherwise is loaded to find it. Asked once: later calls answer null.
   */
  async replay(): Promise<CompiledNode[] | null> {
    if (this.tried) return null;
    this.tried = true;
    const atDefault = this.replayFrom(join(this.projectDir, 'target'));
    if (atDefault) return atDefault;
    const { load } = await import('./features.js');
    this.loaded = load(this.options);
    const target = targetDir(this.loaded.config);
    return target === join(this.projectDir, 'target') ? null : this.replayFrom(target);
  }

  private replayFrom(target: string): CompiledNode[] | null {
    let record: unknown;
    try {
      record = JSON.parse(readFileSync(join(target, RECORD_FILE), 'latin1'));
    } catch {
      return null;
    }
    if (!isRecord(record) || record.key !== this.key(record.generation)) return null;
    const env = this.given.env ?? process.env;
    for (const [name, hash] of Object.entries(record.env)) if (valueHash(env[name]) !== hash) return null;
    // The compiled files' folders are in the index: unchanged, every file the record names is still there.
    if (!fileIndexUnchanged(this.projectDir, record.files)) return null;
    const invocationId = this.given.invocationId ?? randomUUID();
    const now = this.given.now ?? new Date();
    const metadata = { ...record.metadata, generated_at: now.toISOString(), invocation_id: invocationId };
    if (!rewriteManifestMetadata(join(target, 'manifest.json'), record.generation, Buffer.from(JSON.stringify(metadata)))) return null;
    // As the project's sink (api/project.ts) reports them; the recorded events are already redacted.
    const log = kpiLog(record.logDir, invocationId);
    for (const event of record.events) {
      log(event);
      this.given.onEvent?.(event);
    }
    const nodes: CompiledNode[] = [];
    for (const [folder, uniqueIds, names, files] of record.nodes) {
      const ids = uniqueIds.split(NAME_SEPARATOR);
      const nameList = names.split(NAME_SEPARATOR);
      const fileList = files.split(NAME_SEPARATOR);
      const prefix = folder === '.' ? '' : folder + sep;
      for (let at = 0; at < ids.length; at++) nodes.push(new ReplayedNode(ids[at], nameList[at], prefix + fileList[at], this.projectDir));
    }
    return nodes;
  }

  /**
   * After a compile by the normal path (`loaded`: the project it loaded with `options`): write
   * the record when the next compile would give the same — every node's SQL in the memo and
   * none incremental (whose SQL depends on the database), nothing reported but warnings, and
   * no file of the project modified while it ran.
   */
  async record(loaded: LoadedProject, parsed: ParsedProject, selected: readonly string[], memo: CompiledSqlMemo | null, compiled: readonly CompiledNode[]): Promise<void> {
    const generation = parsed.parseGeneration;
    const replayable =
      memo !== null &&
      generation !== null &&
      this.events.every((event) => event.type === 'diagnostic') &&
      selected.every((id) => parsed.manifest.nodes[id].config.materialized !== 'incremental' && memo.holds(id));
    const files = this.listed;
    if (!replayable || !files) return;
    // Loaded already by the normal path.
    const { YAML_CACHE_FILE } = await import('../config/yaml-cache.js');
    const target = targetDir(loaded.config);
    const logDir = resolve(this.projectDir, loaded.config.logPath);
    files.complete(parsed.readFiles);
    files.settle();
    // A file changed while the compile ran: what it read may not be what the index says.
    if (files.touchedSince(this.startedAt)) return;
    // The caches in target/ a compile reads are its own writes: as they are now. While they are, the parse and the memo
    // give what they gave. So are the compiled files, whose folders change time when one of them is added, deleted or
    // renamed (a compile checks no more: WrittenFiles).
    for (const path of [partialParsePath(target), compiledSqlMemoPath(target), join(target, 'template_cache.json'), join(target, YAML_CACHE_FILE), join(target, 'compiled', '.kpi-written.json')]) {
      files.file(path);
    }
    for (const folder of new Set(compiled.map((node) => dirname(resolve(this.projectDir, node.path))))) files.file(folder);
    const index = files.index;
    const nodes = byFolder(compiled);
    if (!index || !nodes) return;
    const env = this.given.env ?? process.env;
    const record: ReplayRecord = {
      format: FORMAT,
      key: this.key(generation),
      generation,
      env: Object.fromEntries([...this.envRead].sort().map((name) => [name, valueHash(env[name])])),
      files: index,
      logDir,
      metadata: parsed.manifest.metadata,
      nodes,
      events: this.events,
    };
    writeText(join(target, RECORD_FILE), JSON.stringify(record));
  }

  /** The project's files as `begin` listed them, before the parse read any. */
  private listed: FileIndexBuilder | null = null;

  /**
   * Before a compile by the normal path (`loaded`: the project it loaded): the last record goes,
   * so a compile that fails or cannot be replayed leaves none behind; and the project's files are
   * listed with their sizes and times, before the parse reads them. A file edited while the
   * compile runs then differs from its entry, even when the edit gives it an earlier time (a
   * restore, a copy that keeps times), and the next compile does not replay. The model and
   * analysis files are taken as the parse read them (one open gave their text, size and time).
   */
  async begin(loaded: LoadedProject): Promise<void> {
    rmSync(join(targetDir(loaded.config), RECORD_FILE), { force: true });
    // Loaded already by the normal path.
    const { candidateFiles } = await import('../config/profiles.js');
    const target = targetDir(loaded.config);
    const logDir = resolve(this.projectDir, loaded.config.logPath);
    const projects = [loaded.config, ...(loaded.packages ?? []).map((installed) => installed.config)];
    const readByParse = projects.flatMap((project) => [...project.modelPaths, ...project.analysisPaths].map((folder) => resolve(this.projectDir, folder) + sep));
    const files = new FileIndexBuilder(
      this.projectDir,
      (absolute) => absolute === target || absolute === logDir,
      (absolute) => absolute.endsWith('.sql') && readByParse.some((folder) => absolute.startsWith(folder)),
    );
    files.tree(this.projectDir);
    for (const installed of loaded.packages ?? []) files.tree(resolve(this.projectDir, installed.dir));
    for (const project of projects) {
      for (const folder of [...project.modelPaths, ...project.seedPaths, ...project.macroPaths, ...project.testPaths, ...project.snapshotPaths, ...project.analysisPaths, ...project.docsPaths]) {
        files.tree(resolve(this.projectDir, folder));
      }
    }
    files.tree(resolve(this.projectDir, loaded.config.packagesInstallPath));
    // The built-in macros (project/load-macros.ts: include/macros beside dist/), which every parse reads.
    files.tree(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'include', 'macros'));
    for (const path of candidateFiles({ projectDir: this.projectDir, profileName: null, profilesDir: this.given.profilesDir }, this.options.env ?? process.env).files) files.file(path);
    this.listed = files;
  }
}
