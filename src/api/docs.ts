import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildCatalog, type Catalog } from '../artifacts/build-catalog.js';
import { compiledPathOf } from '../compile/compiled-path.js';
import { writeJson, writeText } from '../support/write-file.js';
import { compileNode } from '../compile/compile-node.js';
import { buildDocsData } from '../docs/build-docs-data.js';
import { renderSite } from '../docs/render-site.js';
import { serveStatic, type StaticServer } from '../docs/serve-static.js';
import { KpiError, errorMessage, formatError } from '../errors.js';
import { existingRelation } from '../adapters/catalog.js';
import type { Manifest } from '../manifest/types.js';
import { compileSession, parse, targetDirOf, usingDatabase, type DatabaseOptions, type ProjectOptions } from './project.js';
import { load } from './features.js';

export interface DocsGenerateOptions extends ProjectOptions, DatabaseOptions {
  /** dbt's `--no-compile` when false: the site shows each node's source SQL only. */
  compile?: boolean;
  /** dbt's `--empty-catalog`: write an empty catalog without asking the database. */
  emptyCatalog?: boolean;
}

export interface DocsGenerateResult {
  /** Paths relative to the project directory. */
  catalogPath: string;
  sitePath: string;
  catalog: Catalog;
  compiled: number;
  /** Nodes that could not be compiled (their page shows the source SQL). */
  compileErrors: Array<{ unique_id: string; message: string }>;
}

const COMPILED_TYPES = new Set(['model', 'test', 'analysis']);

/**
 * `kpi docs generate`: compile every model and test (connected, so `run_query` works),
 * read the catalog from the database, and write target/catalog.json and the static
 * site target/index.html. A node that fails to compile is reported and keeps its
 * source SQL in the site; it does not stop the docs.
 */
export async function docsGenerate(options: DocsGenerateOptions = {}): Promise<DocsGenerateResult> {
  const parsed = await parse(options);
  const emit = parsed.emit;
  const { manifest } = parsed;
  const compiled: Record<string, string> = {};
  const compileErrors: DocsGenerateResult['compileErrors'] = [];
  const meta = { invocationId: parsed.invocationId, now: parsed.now };
  let catalog = await buildCatalog(null, manifest, meta);
  if (options.compile !== false || !options.emptyCatalog) {
    await usingDatabase(parsed.loaded, { ...options, lock: false, emit }, async (adapter) => {
      if (options.compile !== false) {
        const session = compileSession(parsed, { flags: { WHICH: 'generate' }, log: (message) => emit({ type: 'log', level: 'info', message }) });
        for (const node of Object.values(manifest.nodes)) {
          if (!COMPILED_TYPES.has(node.resource_type)) continue;
          try {
            const sql = await adapter.withConnection(async (connection) => {
              const existing = await existingRelation(connection, { schema: node.schema, identifier: node.alias });
              return compileNode(session, node, { connection, existingTable: existing === 'table' });
            });
            compiled[node.unique_id] = sql;
            writeText(compiledPathOf(parsed.targetDir, node), sql);
          } catch (error) {
            const message = error instanceof KpiError ? formatError(error).split('\n')[0] : errorMessage(error);
            compileErrors.push({ unique_id: node.unique_id, message });
            emit({
              type: 'diagnostic',
              diagnostic: {
                severity: 'warning',
                code: error instanceof KpiError ? error.code : 'KPI_COMPILER_ERROR',
                message: `${node.name} could not be compiled; its page shows the source SQL: ${message}`,
                location: { file: node.original_file_path },
              },
            });
          }
        }
      }
      if (!options.emptyCatalog) catalog = await adapter.withConnection((connection) => buildCatalog(connection, manifest, meta));
    });
  }
  const catalogFile = join(parsed.targetDir, 'catalog.json');
  const siteFile = join(parsed.targetDir, 'index.html');
  writeJson(catalogFile, catalog);
  const projectDir = parsed.loaded.config.projectDir;
  const readme = landingText(manifest, projectDir);
  writeText(siteFile, renderSite(buildDocsData(manifest, catalog, compiled, { target: parsed.loaded.target.name, generatedAt: parsed.now, catalogRead: !options.emptyCatalog, readme })));
  return { catalogPath: relative(projectDir, catalogFile), sitePath: relative(projectDir, siteFile), catalog, compiled: Object.keys(compiled).length, compileErrors };
}

/** The landing page's text: as dbt, the root project's `{% docs __overview__ %}` block; else the project's README.md. */
function landingText(manifest: Manifest, projectDir: string): { from: string; markdown: string } | null {
  const root = manifest.metadata.project_name;
  const overview = Object.values(manifest.docs).find((block) => block.name === '__overview__' && block.package_name === root);
  if (overview) return { from: overview.original_file_path, markdown: overview.block_contents };
  const file = join(projectDir, 'README.md');
  return existsSync(file) ? { from: 'README.md', markdown: readFileSync(file, 'utf8') } : null;
}

export interface DocsServeOptions extends Pick<ProjectOptions, 'projectDir' | 'profilesDir' | 'target' | 'vars'> {
  host?: string;
  port?: number;
  /** Serving stops when this aborts (the CLI aborts on SIGINT and SIGTERM). */
  signal: AbortSignal;
  onListening?: (server: StaticServer) => void;
}

/** `kpi docs serve`: serve target/ (index.html, manifest.json, catalog.json) over HTTP on this machine. */
export async function docsServe(options: DocsServeOptions): Promise<StaticServer> {
  const targetDir = targetDirOf(load(options));
  if (!existsSync(join(targetDir, 'index.html'))) {
    throw new KpiError('KPI_NOT_FOUND', `no docs site in ${targetDir}`, { hint: 'run `kpi docs generate` first' });
  }
  return serveStatic(targetDir, { host: options.host ?? '127.0.0.1', port: options.port ?? 8080, signal: options.signal, onListening: options.onListening });
}
