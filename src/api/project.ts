/** Loading, parsing, selecting and opening the database: what every command starts with. */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Adapter } from '../adapters/adapter.js';
import { openAdapter, runLockKey } from './open-adapter.js';
import { writeManifest } from '../artifacts/write-manifest.js';
import type { CompileSession } from '../compile/compile-node.js';
import { targetContext, targetDir, type LoadOptions, type LoadedProject } from '../config/load-project.js';
import { KpiError } from '../errors.js';
import { DependencyGraph } from '../graph/dependency-graph.js';
import { selectNodes, type SelectableType } from '../graph/select-nodes.js';
import { ManifestIndex } from '../project/manifest-index.js';
import { parseProject } from '../project/parse-project.js';
import { partialParsePath } from '../project/partial-parse.js';
import type { ProjectRuntime } from '../template/project-runtime.js';
import type { Manifest } from '../manifest/types.js';
import type { EventSink, NodeResult } from '../execution/types.js';
import { TEMPLATE_GLOBALS, load } from './features.js';
import { kpiLog } from '../artifacts/kpi-log.js';
import { redactor } from '../support/redact.js';
import { assertSelectorsMatch } from '../graph/unmatched-selectors.js';

export interface ProjectOptions extends LoadOptions {
  onEvent?: EventSink;
  /** Read models whose Jinja is only static ref/source/config calls without rendering them (default true, as dbt). */
  staticParser?: boolean;
  /** Let files that differ only in string literals share one compiled template (default true). */
  literalSharing?: boolean;
  invocationId?: string;
  now?: Date;
}

export interface SelectionOptions {
  select?: string[];
  exclude?: string[];
  /** Folder with an earlier run's manifest.json, for `state:` selectors. */
  state?: string;
}

export interface DatabaseOptions {
  /** Use this open database instead of opening the target's (tests share one per file). */
  adapter?: Adapter;
  /** Fail at once if another run holds the target, instead of waiting. */
  noWait?: boolean;
  /** Give up a statement's wait for a lock after this many seconds (a server target). */
  lockTimeoutSeconds?: number;
}

export interface ParsedProject {
  loaded: LoadedProject;
  manifest: Manifest;
  runtime: ProjectRuntime;
  graph: DependencyGraph;
  targetDir: string;
  invocationId: string;
  now: Date;
  parseStats: { reused: number; parsed: number };
  /** Model and analysis files with the size and time they had when the parse read them (project/parse-project.ts). */
  readFiles: ReadonlyMap<string, { size: number; mtimeMs: number }>;
  /** Names every template sees, from the project's config files (`kpi_thresholds`). */
  templateGlobals: Record<string, unknown>;
  /** Names this manifest across processes while the project is unchanged (ParseResult.generation); null without partial parse. */
  parseGeneration: string | null;
  /** Where the command's events go: secrets redacted, appended to logs/kpi.log, then to `onEvent`. */
  emit: EventSink;
}

export function targetDirOf(loaded: LoadedProject): string {
  return targetDir(loaded.config);
}

export function emitter(options: ProjectOptions): EventSink {
  return options.onEvent ?? (() => undefined);
}

/** The project's event sink: secrets out, every event into logs/kpi.log, then to the caller. */
function projectSink(options: ProjectOptions, loaded: LoadedProject, invocationId: string): EventSink {
  const forward = emitter(options);
  const logDir = isAbsolute(loaded.config.logPath) ? loaded.config.logPath : join(loaded.config.projectDir, loaded.config.logPath);
  const log = kpiLog(logDir, invocationId);
  const redact = redactor(loaded.secrets);
  return (event) => {
    const safe = redact(event);
    log(safe);
    forward(safe);
  };
}

/** Load (unless `preloaded` is the project `options` load to) and parse the project; write target/manifest.json. */
export async function parse(options: ProjectOptions = {}, preloaded?: LoadedProject): Promise<ParsedProject> {
  const loaded = preloaded ?? load(options);
  const invocationId = options.invocationId ?? randomUUID();
  const now = options.now ?? new Date();
  const emit = projectSink(options, loaded, invocationId);
  const targetDir = targetDirOf(loaded);
  const cachePath = options.partialParse === false ? null : partialParsePath(targetDir);
  const { manifest, runtime, warnings, stats, templateGlobals, generation, readFiles } = await parseProject(loaded, {
    invocationId,
    now,
    cachePath,
    templateGlobals: TEMPLATE_GLOBALS,
    staticParser: options.staticParser,
    literalSharing: options.literalSharing,
  });
  for (const diagnostic of warnings) emit({ type: 'diagnostic', diagnostic });
  const graph = new DependencyGraph(manifest);
  graph.assertAcyclic();
  writeManifest(join(targetDir, 'manifest.json'), manifest, generation);
  return { loaded, manifest, runtime, graph, targetDir, invocationId, now, parseStats: stats, readFiles, templateGlobals, parseGeneration: generation, emit };
}

function readState(stateDir: string | undefined, projectDir: string): { manifest: Manifest | null; results: Record<string, string> } {
  if (!stateDir) return { manifest: null, results: {} };
  const dir = resolve(projectDir, stateDir);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new KpiError('KPI_STATE_NOT_FOUND', `no manifest.json in --state ${stateDir}`, { hint: 'point --state at the target/ folder (or a copy) of an earlier run' });
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const results: Record<string, string> = {};
  const resultsPath = join(dir, 'run_results.json');
  if (existsSync(resultsPath)) {
    const previous = JSON.parse(readFileSync(resultsPath, 'utf8')) as { results: NodeResult[] };
    for (const result of previous.results) results[result.unique_id] = result.status;
  }
  return { manifest, results };
}

export function select(parsed: ParsedProject, selection: SelectionOptions, resourceTypes: readonly SelectableType[], indirectTests = false): string[] {
  const state = readState(selection.state, parsed.loaded.config.projectDir);
  assertSelectorsMatch(parsed.graph, selection.select, '--select');
  assertSelectorsMatch(parsed.graph, selection.exclude, '--exclude');
  return selectNodes(parsed.graph, {
    select: selection.select,
    exclude: selection.exclude,
    resourceTypes,
    indirectTests,
    state: state.manifest,
    previousResults: state.results,
  });
}

export function compileSession(
  parsed: ParsedProject,
  options: { fullRefresh?: boolean; empty?: boolean; selected?: string[]; flags?: Record<string, unknown>; log?: (message: string, info?: boolean) => void },
): CompileSession {
  return {
    loaded: parsed.loaded,
    manifest: parsed.manifest,
    index: new ManifestIndex(parsed.manifest),
    runtime: parsed.runtime,
    target: targetContext(parsed.loaded.target),
    invocationId: parsed.invocationId,
    now: parsed.now,
    flags: { FULL_REFRESH: Boolean(options.fullRefresh), EMPTY: Boolean(options.empty), ...options.flags },
    fullRefresh: Boolean(options.fullRefresh),
    empty: Boolean(options.empty),
    selectedResources: options.selected ?? [],
    templateGlobals: parsed.templateGlobals,
    log: options.log ?? (() => undefined),
  };
}

/**
 * Open the target's database (or use the one given), hold the run lock while `fn` runs,
 * and always release and close.
 */
export async function usingDatabase<T>(loaded: LoadedProject, options: DatabaseOptions & { lock: boolean; emit?: EventSink }, fn: (adapter: Adapter) => Promise<T>): Promise<T> {
  const onWaiting = () => options.emit?.({ type: 'log', level: 'info', message: `Waiting for another kpi run on target '${loaded.target.name}' to finish...` });
  const onProgress = (message: string) => options.emit?.({ type: 'log', level: 'info', message });
  const onLockWait = (message: string) => options.emit?.({ type: 'log', level: 'warn', message });
  const adapter = options.adapter ?? (await openAdapter(loaded.target, { wait: !options.noWait, onWaiting, onProgress, onLockWait, lockTimeoutSeconds: options.lockTimeoutSeconds }));
  try {
    const release = options.lock ? await adapter.acquireRunLock(runLockKey(adapter, loaded.target), { wait: !options.noWait, onWaiting }) : async () => undefined;
    try {
      return await fn(adapter);
    } finally {
      await release();
    }
  } finally {
    if (!options.adapter) await adapter.close();
  }
}
