import { readFileSync, statSync } from 'node:fs';
import { Diagnostics, type Diagnostic } from '../support/diagnostics.js';
import { targetContext, type LoadedProject } from '../config/load-project.js';
import { KpiError } from '../errors.js';
import type { InstalledPackage } from '../config/load-packages.js';
import { discoverFiles, type DiscoveredFile, type FolderListings } from './discover-files.js';
import { extractDocBlocks } from './docs-blocks.js';
import { applyMacroPatches, builtinMacros, macrosFromFiles } from './load-macros.js';
import { buildManifest } from './build-manifest.js';
import { parseModelFile, parseAnalysisFile, parseSeedFile, type ParseContext } from './parse-nodes.js';
import { PartialParseCache, partialParseKey, trackingVars } from './partial-parse.js';
import { ProjectRuntime } from '../template/project-runtime.js';
import { sha256 } from './checksum.js';
import { readPropertyFiles } from './property-files.js';
import { resolveNaming } from './resolve-naming.js';
import type { DocBlock, Manifest, ManifestNode } from '../manifest/types.js';
import { parseYaml, type YamlFile } from '../config/yaml-file.js';
import { readYamlWith, textHash } from '../config/yaml-cache.js';
import { renderConfigString } from '../config/render-config.js';
import { renderPropertyConfigs } from './render-property-configs.js';
import { addUnitTests } from './unit-tests/add-unit-tests.js';
import { dirname, join } from 'node:path';
import { genericTestPaths, parseTests } from './tests/parse-tests.js';
import type { TemplateGlobalsProvider } from './template-globals.js';
import { parseSnapshots } from './snapshots/parse-snapshots.js';
import { warnUnsupportedFiles } from './unsupported-resources.js';
import { addGovernance } from './governance.js';
import { SourceReader } from '../support/read-sources.js';

export interface ParseOptions {
  invocationId: string;
  now: Date;
  /** Parse-time context values that depend on the invocation (`flags`). */
  flags?: Record<string, unknown>;
  /** Where the partial-parse cache lives (target/partial_parse.json); null parses everything. */
  cachePath?: string | null;
  /** Names features above the engine give every template (the API layer passes the KPI mart's). */
  templateGlobals?: readonly TemplateGlobalsProvider[];
  /** Read models whose Jinja is only static ref/source/config calls without rendering them (default true; dbt's static parser). */
  staticParser?: boolean;
  /** Let files that differ only in string literals share one compiled template (default true; template/literal-sharing.ts). */
  literalSharing?: boolean;
}

export interface ParseResult {
  manifest: Manifest;
  runtime: ProjectRuntime;
  warnings: Diagnostic[];
  /** Files taken from the partial-parse cache / parsed again. */
  stats: { reused: number; parsed: number };
  /** Names every template sees, from ParseOptions.templateGlobals. */
  templateGlobals: Record<string, unknown>;
  /** Model and analysis files, by absolute path, with the size and modification time they had when this parse read them (or reused their entries). */
  readFiles: ReadonlyMap<string, { size: number; mtimeMs: number }>;
  /** Names this manifest across processes (PartialParseCache.generation); null when it was not saved. */
  generation: string | null;
}

/** Read every file of the project and turn it into the manifest: nodes, sources, macros, docs and edges. */
export async function parseProject(untracked: LoadedProject, options: ParseOptions): Promise<ParseResult> {
  // What the parse reads of --vars decides whether the next parse may reuse its results: every read goes through this.
  const varsRead = new Map<string, string | null>();
  const loaded: LoadedProject = { ...untracked, cliVars: trackingVars(untracked.cliVars, varsRead) };
  const { config } = loaded;
  const diagnostics = new Diagnostics();
  const projectDir = config.projectDir;
  const listings: FolderListings = new Map();

  const projectYaml = readYamlWith(loaded.yamlCache, join(projectDir, config.projectFile), config.projectFile);
  // Each property file is read once: its text's hash goes into the partial-parse key, its YAML (from the cache when unchanged) to the parse.
  const propertyHashes: Array<[string, string]> = [];
  const readPropertyYaml = (file: DiscoveredFile): YamlFile => {
    const text = readFileSync(file.absolute, 'utf8');
    const hash = textHash(text);
    propertyHashes.push([file.path, hash]);
    return loaded.yamlCache ? loaded.yamlCache.parse(text, file.path, file.absolute, hash) : parseYaml(text, file.path);
  };
  const locateInProject = (path: string[]) => projectYaml.locate(path);

  // The root project and each installed package, read alike; package paths are relative to the root project.
  const projects = [{ config, package: undefined as InstalledPackage | undefined }, ...(loaded.packages ?? []).map((installed) => ({ config: installed.config, package: installed }))];
  const macros = [...builtinMacros()];
  const docs: Record<string, DocBlock> = {};
  const read = projects.map((project) => {
    const own = project.config;
    const propertyFolders = [...new Set([...own.modelPaths, ...own.seedPaths, ...own.snapshotPaths, ...own.analysisPaths, ...own.macroPaths, ...own.testPaths])];
    const ownMacros = macrosFromFiles(discoverFiles(projectDir, [...own.macroPaths, ...genericTestPaths(own)], ['.sql'], listings), own.name);
    const files = discoverFiles(projectDir, propertyFolders, ['.yml', '.yaml'], listings);
    const properties = readPropertyFiles(files, diagnostics, readPropertyYaml);
    applyMacroPatches(ownMacros, properties.macros);
    macros.push(...ownMacros);
    for (const file of discoverFiles(projectDir, [...new Set([...propertyFolders, ...own.docsPaths])], ['.md'], listings)) {
      for (const block of extractDocBlocks(readFileSync(file.absolute, 'utf8'), file.path, own.name)) docs[block.unique_id] = block;
    }
    return { ...project, properties };
  });
  const [root] = read;

  const runtime = new ProjectRuntime(config, macros, options.cachePath ? join(dirname(options.cachePath), 'template_cache.json') : null);
  runtime.literalSharing = options.literalSharing !== false;
  const target = targetContext(loaded.target);
  // dbt renders Jinja in property YAML: configs, and a source's schema, database and identifier (`schema: "{{ target.schema }}_raw"`).
  const renderContext = { env: loaded.env, cliVars: loaded.cliVars, projectVars: loaded.config.vars, projectName: config.name, target };
  for (const project of read) {
    renderPropertyConfigs(project.properties, renderContext, diagnostics);
    for (const patch of project.properties.sources) {
      for (const key of ['schema', 'database', 'identifier'] as const) {
        const value = patch[key];
        if (typeof value === 'string' && value.includes('{')) patch[key] = String(renderConfigString(value, renderContext, patch.file, ['sources', patch.sourceName, key]));
      }
    }
  }
  const globalsSources = (options.templateGlobals ?? []).map((provider) => provider({ loaded, diagnostics, locateInProjectFile: locateInProject }));
  const cache = new PartialParseCache(
    options.cachePath ?? null,
    partialParseKey({
      config,
      target: loaded.target,
      macros: macros.map((macro) => [macro.unique_id, macro.line, macro.macro_sql]),
      packages: (loaded.packages ?? []).map((installed) => installed.config),
      properties: propertyHashes,
      docs,
      flags: options.flags ?? {},
      templateGlobals: globalsSources.map((source) => source.cacheKey),
    }),
    loaded.env,
    untracked.cliVars,
    varsRead,
  );
  const parseContext: ParseContext = {
    loaded: { ...loaded, env: cache.trackingEnv() },
    runtime,
    target,
    docs,
    diagnostics,
    invocationId: options.invocationId,
    now: options.now,
    flags: options.flags ?? {},
  };

  const fresh: Array<{ file: DiscoveredFile; node: ManifestNode; diagnostics: Diagnostics; vars: Map<string, string | null> }> = [];
  type Parsed = { node: ManifestNode; hit: Diagnostic[] } | { node: ManifestNode; fresh: (typeof fresh)[number] };
  const parseFile = async (file: DiscoveredFile, parse: (file: DiscoveredFile, context: ParseContext) => ManifestNode | Promise<ManifestNode>): Promise<Parsed> => {
    const hit = cache.lookup(file);
    if (hit) return { node: hit.node, hit: hit.diagnostics };
    const fileDiagnostics = new Diagnostics();
    // The --vars this file's parse reads are its own: a new value of one re-parses the files that read it, not all.
    const vars = new Map<string, string | null>();
    const node = await parse(file, { ...parseContext, diagnostics: fileDiagnostics, loaded: { ...parseContext.loaded, cliVars: trackingVars(untracked.cliVars, vars) } });
    return { node, fresh: { file, node, diagnostics: fileDiagnostics, vars } };
  };
  /**
   * Files parsed one after another, in their order (the reader thread reads them in it), so warnings and
   * the cache keep one order. Not all at once: 10,000 parses waiting for their texts held their state
   * into the old generation, and every young collection then scanned it (twice the collector's time).
   */
  const parseFiles = async (files: readonly DiscoveredFile[], parse: (file: DiscoveredFile, context: ParseContext) => ManifestNode | Promise<ManifestNode>): Promise<ManifestNode[]> => {
    const results: Parsed[] = [];
    for (const file of files) results.push(await parseFile(file, parse));
    for (const result of results) {
      if ('hit' in result) diagnostics.items.push(...result.hit);
      else {
        diagnostics.items.push(...result.fresh.diagnostics.items);
        fresh.push(result.fresh);
      }
    }
    return results.map((result) => result.node);
  };
  // Model and analysis files the cache does not know are read ahead on a thread while seeds, the rest and the first models parse.
  const modelFiles = read.map(({ config: own }) => discoverFiles(projectDir, own.modelPaths, ['.sql'], listings));
  const analysisFiles = read.map(({ config: own }) => discoverFiles(projectDir, own.analysisPaths, ['.sql'], listings));
  const sources = new SourceReader();
  parseContext.sources = sources;
  sources.readAhead([...modelFiles.flat(), ...analysisFiles.flat()].filter((file) => !cache.knows(file)).map((file) => file.absolute));
  const models: ManifestNode[] = [];
  const analyses: ManifestNode[] = [];
  const seeds: ManifestNode[] = [];
  try {
    // Seeds first (of every package): template globals may read seed nodes.
    for (const { config: own, package: installed, properties } of read) {
      const inPackage = (c: ParseContext): ParseContext => (installed ? { ...c, package: installed } : c);
      seeds.push(...(await parseFiles(discoverFiles(projectDir, own.seedPaths, ['.csv'], listings), (f, c) => parseSeedFile(f, properties, inPackage(c)))));
    }
    const templateGlobals = Object.assign({}, ...globalsSources.map((source) => source.globals(seeds))) as Record<string, unknown>;
    parseContext.templateGlobals = templateGlobals;
    // As dbt's: not when a project's macro or a global could stand for ref, source or config.
    const overridden = (name: string) => name in templateGlobals || macros.some((macro) => macro.name === name);
    parseContext.staticParser = options.staticParser !== false && !['ref', 'source', 'config'].some(overridden);
    runtime.staticParser = parseContext.staticParser;
    for (const [index, { package: installed, properties }] of read.entries()) {
      const inPackage = (c: ParseContext): ParseContext => (installed ? { ...c, package: installed } : c);
      models.push(...(await parseFiles(modelFiles[index], (f, c) => parseModelFile(f, properties, inPackage(c)))));
    }
    for (const [index, { package: installed, properties }] of read.entries()) {
      const inPackage = (c: ParseContext): ParseContext => (installed ? { ...c, package: installed } : c);
      analyses.push(...(await parseFiles(analysisFiles[index], (f, c) => parseAnalysisFile(f, properties, inPackage(c)))));
    }
  } finally {
    await sources.close();
  }
  const templateGlobals = parseContext.templateGlobals ?? {};

  // Snapshots are parsed on every run (not cached): a file may hold several, and they are few.
  const snapshots: ManifestNode[] = [];
  for (const { package: installed, properties } of read) snapshots.push(...(await parseSnapshots(properties, { ...parseContext, package: installed })));
  for (const { config: own } of read) warnUnsupportedFiles(projectDir, own, diagnostics);

  await resolveNaming(
    fresh.map((entry) => entry.node).filter((node) => node.config.enabled),
    parseContext,
  );
  if (!diagnostics.items.some((item) => item.severity === 'error')) {
    for (const entry of fresh) cache.remember(entry.file, entry.node, entry.diagnostics.items, entry.vars, sources.readFiles.get(entry.file.absolute));
  }
  // Tests read the configs of the nodes they test: taken from the cache only when those nodes are as they were.
  const testsFingerprint = sha256(
    JSON.stringify({
      // Without their parse time, which changes every run.
      nodes: cache.nodesHash(fresh.length, [...models, ...seeds]),
      snapshots: snapshots.map(({ created_at: _, ...snapshot }) => snapshot),
      singular: read.map(({ config: own }) => discoverFiles(projectDir, own.testPaths, ['.sql'], listings).map((file) => [file.path, statSync(file.absolute).mtimeMs, statSync(file.absolute).size])),
    }),
  );
  const cachedTests = cache.lookupTests(testsFingerprint);
  const tests: ManifestNode[] = [];
  if (cachedTests) {
    tests.push(...cachedTests.nodes);
    diagnostics.items.push(...cachedTests.diagnostics);
  } else {
    const allSources = read.flatMap((project) => project.properties.sources);
    const testDiagnostics = new Diagnostics();
    for (const project of read)
      tests.push(...(await parseTests(project.properties, [...models, ...seeds, ...snapshots], { ...parseContext, diagnostics: testDiagnostics, package: project.package }, allSources)));
    diagnostics.items.push(...testDiagnostics.items);
    cache.rememberTests(testsFingerprint, tests, testDiagnostics.items);
  }
  if (!diagnostics.items.some((item) => item.severity === 'error')) cache.save();
  const manifest = buildManifest({
    loaded,
    nodes: [...models, ...seeds, ...snapshots, ...analyses, ...tests],
    sourcePatches: root.properties.sources,
    macros,
    docs,
    properties: root.properties,
    packageProperties: read.slice(1).map((project) => ({ packageName: project.config.name, properties: project.properties })),
    diagnostics,
    invocationId: options.invocationId,
    now: options.now,
    database: target.database,
  });
  addGovernance(
    manifest,
    read.map((project) => ({ config: project.config, properties: project.properties })),
    diagnostics,
  );
  addUnitTests(manifest, root.properties.unitTests, { loaded, diagnostics, now: options.now });
  // Saved with the partial-parse cache, and even when the parse failed: files that parsed are still good.
  if (options.cachePath) loaded.yamlCache?.save();
  diagnostics.throwIfErrors();
  if (manifest === undefined) throw new KpiError('KPI_CONFIG_INVALID', 'the project could not be parsed');
  // After the tests too: their macros' templates are compiled on every parse.
  runtime.templateCache.save();
  return {
    manifest,
    runtime,
    warnings: [...loaded.diagnostics.filter((item) => item.severity === 'warning'), ...diagnostics.warnings],
    stats: { reused: cache.hits, parsed: fresh.length },
    readFiles: new Map([...cache.reusedFiles, ...sources.readFiles]),
    templateGlobals,
    generation: cache.generation,
  };
}
