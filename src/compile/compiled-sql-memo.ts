import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeText } from '../support/write-file.js';
import { readText } from '../support/read-text.js';
import { currentVar, trackingVars } from '../project/partial-parse.js';
import type { Environment } from '../template/env-var.js';
import { KPI_VERSION } from '../manifest/version.js';

const FORMAT = `kpi-${KPI_VERSION}-compiled-sql-1`;

interface MemoEntry {
  sql: string;
  /** Whether the node's relation existed as a table (what `is_incremental()` reads). */
  existingTable: boolean;
  /** Environment variables the render read: the value, or null where unset. */
  env: Record<string, string | null>;
  /** `--vars` the render read, as partial-parse.ts fingerprints them. */
  vars: Record<string, string | null>;
}

interface MemoFile {
  format: string;
  key: string;
  nodes: Record<string, MemoEntry>;
}

/** What a render read of the environment and `--vars`, recorded while it runs. */
export interface RenderReads {
  env: Environment;
  cliVars: Record<string, unknown>;
  finish(): Pick<MemoEntry, 'env' | 'vars'>;
}

let codeFingerprint: string | null = null;

/**
 * The engine's own code, by each file's name, size and modification time: a new kpi (or an
 * edit of it) renders differently, and must not reuse what an older one compiled. Stat, not
 * read: a few hundred files (a few dozen from the bundle).
 */
function engineFingerprint(): string {
  if (codeFingerprint === null) {
    const hash = createHash('sha1');
    const here = dirname(fileURLToPath(import.meta.url));
    // Run from the CLI's bundle (dist/bundle/, scripts/bundle-cli.js), the engine is the bundle's files: the rest of dist/ is not what runs.
    const root = basename(here) === 'bundle' ? here : dirname(here);
    const walk = (folder: string): void => {
      for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.js') || entry.name.endsWith('.ts')) {
          const stats = statSync(path);
          hash.update(`${path}\0${stats.size}\0${stats.mtimeMs}\0`);
        }
      }
    };
    walk(root);
    hash.update(readFileSync(fileURLToPath(import.meta.resolve('nunjucks/package.json'))));
    codeFingerprint = hash.digest('hex');
  }
  return codeFingerprint;
}

/**
 * Each node's compiled SQL from the last `kpi compile`, reused without rendering while it
 * would render the same (target/compiled_sql_memo.json). `key` holds what every node
 * shares: the manifest's generation (project/partial-parse.ts: unchanged files, macros,
 * property files, project file, target...), the target and flags, the engine's code. Each
 * entry adds what is the node's own: whether its relation is a table now, and the
 * environment variables and `--vars` its render read. Only pure renders are remembered
 * (render-purity.ts: no clock, invocation, database, messages or selection). A file that
 * cannot be read, or of another key, is ignored: every node is rendered again.
 */
export class CompiledSqlMemo {
  private readonly previous: Record<string, MemoEntry>;
  private readonly next: Record<string, MemoEntry> = {};
  private changed = false;
  hits = 0;

  constructor(
    private readonly path: string,
    private readonly key: string,
    private readonly env: Environment,
    private readonly cliVars: Record<string, unknown>,
  ) {
    this.previous = readMemo(path, key);
  }

  /** The key of everything nodes share; `parts` are the session's values that reach a render (target, flags...). */
  static key(generation: string, parts: Record<string, unknown>): string {
    return createHash('sha256')
      .update(JSON.stringify({ format: FORMAT, generation, engine: engineFingerprint(), ...parts }))
      .digest('hex');
  }

  /** Whether `lookup` would answer. */
  has(id: string, existingTable: boolean): boolean {
    const entry = this.previous[id];
    if (!entry || entry.existingTable !== existingTable) return false;
    for (const [name, value] of Object.entries(entry.env)) if ((this.env[name] ?? null) !== value) return false;
    for (const [name, value] of Object.entries(entry.vars)) if (currentVar(this.cliVars, name) !== value) return false;
    return true;
  }

  /** The SQL of a node `has` answered for. */
  take(id: string): string {
    const entry = this.previous[id];
    this.hits++;
    this.next[id] = entry;
    return entry.sql;
  }

  /** The node's SQL as last compiled, when nothing its render read has changed; undefined when it must be rendered. */
  lookup(id: string, existingTable: boolean): string | undefined {
    return this.has(id, existingTable) ? this.take(id) : undefined;
  }

  /** Environment and `--vars` for one render, recording what it reads. */
  reads(): RenderReads {
    const env: Record<string, string | null> = {};
    const vars = new Map<string, string | null>();
    const source = this.env;
    return {
      env: new Proxy(source, {
        get: (target, name) => {
          const value = typeof name === 'string' ? target[name] : undefined;
          if (typeof name === 'string') env[name] = value ?? null;
          return value;
        },
      }),
      cliVars: trackingVars(this.cliVars, vars),
      finish: () => ({ env, vars: Object.fromEntries(vars) }),
    };
  }

  /** Whether the node's SQL is remembered after this compile (taken, or rendered purely). */
  holds(id: string): boolean {
    return id in this.next;
  }

  remember(id: string, existingTable: boolean, sql: string, reads: Pick<MemoEntry, 'env' | 'vars'>): void {
    this.next[id] = { sql, existingTable, ...reads };
    this.changed = true;
  }

  /** Written when a node was rendered or one of the last file's is gone; nodes not compiled this time are kept. */
  save(): void {
    for (const [id, entry] of Object.entries(this.previous)) {
      if (!(id in this.next)) this.next[id] = entry;
    }
    if (!this.changed && this.hits === Object.keys(this.previous).length && this.previousReadWhole) return;
    writeText(this.path, JSON.stringify({ format: FORMAT, key: this.key, nodes: this.next } satisfies MemoFile));
  }

  /** Whether the last file was read as it is (not missing, damaged or of another key). */
  private get previousReadWhole(): boolean {
    return Object.keys(this.previous).length > 0;
  }
}

function isEntry(value: unknown): value is MemoEntry {
  if (!value || typeof value !== 'object') return false;
  const entry = value as Partial<MemoEntry>;
  return typeof entry.sql === 'string' && typeof entry.existingTable === 'boolean' && isStringMap(entry.env) && isStringMap(entry.vars);
}

function isStringMap(value: unknown): value is Record<string, string | null> {
  return !!value && typeof value === 'object' && Object.values(value).every((item) => item === null || typeof item === 'string');
}

function readMemo(path: string, key: string): Record<string, MemoEntry> {
  try {
    const file = JSON.parse(readText(path)) as Partial<MemoFile>;
    if (file.format !== FORMAT || file.key !== key || !file.nodes || typeof file.nodes !== 'object') return {};
    // A damaged entry is dropped (that node is rendered again), not trusted.
    return Object.fromEntries(Object.entries(file.nodes).filter(([, entry]) => isEntry(entry)));
  } catch {
    // None yet, or unreadable: every node is rendered.
    return {};
  }
}

export function compiledSqlMemoPath(targetDir: string): string {
  return join(targetDir, 'compiled_sql_memo.json');
}
