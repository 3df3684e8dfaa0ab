import type { Connection, QueryResult } from '../adapters/adapter.js';
import { Relation } from '../adapters/relation.js';
import type { LoadedProject } from '../config/load-project.js';
import { KpiError, didYouMean } from '../errors.js';
import { parseHost, resolveDoc, baseNode, type HostContext } from '../project/parse-nodes.js';
import type { ProjectRuntime } from '../template/project-runtime.js';
import type { ManifestIndex } from '../project/manifest-index.js';
import type { Manifest, ManifestNode } from '../manifest/types.js';
import type { ContextHost, TargetContext } from '../template/node-context.js';
import { renderFile, renderText } from '../template/render-template.js';
import { renderStatic } from '../template/static-template.js';
import { StatementError } from '../adapters/statement-error.js';
import type { BatchWindow } from './event-time-relation.js';
import { EmptyRelation, filterByEventTime, type EventTimeRelation } from './event-time-relation.js';
import { injectCtes } from './inject-ctes.js';
import { type ResourceType } from '../manifest/types.js';
import { sha256 } from '../project/checksum.js';

/** What compiling needs that does not change from node to node within one invocation. */
export interface CompileSession {
  loaded: LoadedProject;
  manifest: Manifest;
  index: ManifestIndex;
  runtime: ProjectRuntime;
  target: TargetContext;
  invocationId: string;
  now: Date;
  flags: Record<string, unknown>;
  fullRefresh: boolean;
  /** `--empty`: models read every ref and source as an empty subquery (a schema-only build). */
  empty?: boolean;
  selectedResources: string[];
  /** Names every template sees, from the project's config files (see project/template-globals.ts). */
  templateGlobals?: Record<string, unknown>;
  /** A template's `log(message, info)`: `info` false is dbt's debug-only line. */
  log(message: string, info?: boolean): void;
}

export interface NodeCompileOptions {
  connection?: Connection;
  /** Whether the node's relation exists as a table now (for `is_incremental()`). */
  existingTable?: boolean;
  /** Extra names in the context (materialization helpers, test arguments). */
  extra?: Record<string, unknown>;
  varOverrides?: Record<string, unknown>;
  /** Replace refs to these models with other relations (unit tests' fixtures). */
  refOverrides?: Record<string, string>;
  /** A microbatch model's batch: refs and sources that declare `event_time` read only this window. */
  eventTimeFilter?: BatchWindow;
  /** Filled with every node whose template this compile renders: the node, then the ephemerals it reads (whose purity the compiled-SQL memo checks). */
  rendered?: ManifestNode[];
}

export const EPHEMERAL_PREFIX = '__dbt__cte__';

/** The parse's view of a run: what a template host needs, from the session. */
export function hostContext(session: CompileSession): HostContext {
  const { loaded, target, manifest, invocationId, now, flags, templateGlobals } = session;
  return { loaded, target, docs: manifest.docs, invocationId, now, flags, templateGlobals };
}

/** A node that no file declares (an inline query, the project's hooks), rendered in the session's context. */
export function syntheticNode(session: CompileSession, resourceType: ResourceType, name: string, rawCode: string, path: string): ManifestNode {
  const file = { path, pathInFolder: path, folder: '.', absolute: path };
  return baseNode(resourceType, file, name, rawCode, sha256(rawCode), hostContext(session));
}

export function nodeRelation(node: ManifestNode, database: string): Relation {
  const type = node.config.materialized === 'view' ? 'view' : node.config.materialized === 'ephemeral' ? 'cte' : 'table';
  if (type === 'cte') return Relation.create(null, `${EPHEMERAL_PREFIX}${node.name}`, 'cte');
  return Relation.create(node.schema, node.alias, type, database);
}

export function wrapQuery(connection: Connection, node: ManifestNode): (sql: string, params?: unknown[]) => Promise<QueryResult> {
  return async (sql, params) => {
    try {
      return await connection.query(sql, params);
    } catch (error) {
      const statement = StatementError.from(sql, error);
      throw new KpiError('KPI_DATABASE_ERROR', `${node.name}: a query in the template failed: ${statement.message}`, { node: node.unique_id, cause: statement });
    }
  };
}

/** The run-time context: refs resolve to built relations (ephemerals to CTEs), `execute` is true. */
export function executeHost(session: CompileSession, node: ManifestNode, options: NodeCompileOptions, ephemerals: ManifestNode[], filtered?: EventTimeRelation[]): ContextHost {
  const { manifest } = session;
  const fullRefresh = node.config.full_refresh === null || node.config.full_refresh === undefined ? session.fullRefresh : Boolean(node.config.full_refresh);
  return parseHost(hostContext(session), node, {
    execute: true,
    ref: (name, packageName, version) => {
      const override = options.refOverrides?.[name];
      if (override) return Relation.create(null, override, 'cte');
      const target = session.index.ref(name, packageName, node.package_name, version);
      if (!target) {
        throw new KpiError('KPI_REF_NOT_FOUND', `'${node.name}' refers to '${name}', which does not exist.${didYouMean(name, session.index.names())}`, {
          location: { file: node.original_file_path },
        });
      }
      if (target.config.materialized === 'ephemeral' && !ephemerals.includes(target)) ephemerals.push(target);
      const relation = filterByEventTime(nodeRelation(target, session.target.database), target.config.event_time, options.eventTimeFilter, filtered);
      return emptyIfAsked(session, node, relation);
    },
    source: (sourceName, tableName) => {
      const source = session.index.source(sourceName, tableName, node.package_name);
      if (!source) throw new KpiError('KPI_SOURCE_NOT_FOUND', `source('${sourceName}', '${tableName}') is not declared`, { location: { file: node.original_file_path } });
      const relation = filterByEventTime(Relation.create(source.schema, source.identifier, 'table', source.database), source.config.event_time, options.eventTimeFilter, filtered);
      return emptyIfAsked(session, node, relation);
    },
    thisRelation: nodeRelation(node, session.target.database),
    isIncremental: () => node.config.materialized === 'incremental' && Boolean(options.existingTable) && !fullRefresh,
    doc: (name, pkg) => resolveDoc(manifest.docs, name, pkg, node.package_name),
    graph: () => ({ nodes: manifest.nodes, sources: manifest.sources, exposures: manifest.exposures, groups: manifest.groups, metrics: {} }),
    query: options.connection ? wrapQuery(options.connection, node) : undefined,
    citus: options.connection?.citus,
    log: (message, info) => session.log(message, info),
    selectedResources: session.selectedResources,
    varOverrides: options.varOverrides,
    // dbt's context has the target's database and schema as `database` and `schema`; snapshot configs use them (target_schema=schema).
    extra: node.resource_type === 'snapshot' ? { database: session.target.database, schema: session.target.schema, ...options.extra } : options.extra,
  });
}

/** Names a static template calls: a node whose context has its own (a test's arguments) is rendered. */
const STATIC_NAMES = ['ref', 'source', 'config'];

async function renderNode(session: CompileSession, node: ManifestNode, options: NodeCompileOptions, ephemerals: ManifestNode[], filtered?: EventTimeRelation[]): Promise<string> {
  options.rendered?.push(node);
  const host = executeHost(session, node, options, ephemerals, filtered);
  const key = `${node.original_file_path}:${node.checksum.checksum}`;
  const fast = session.runtime.staticTemplate(key, node.raw_code);
  const [ephemeralCount, filteredCount] = [ephemerals.length, filtered?.length ?? 0];
  if (fast?.plain && !STATIC_NAMES.some((name) => host.extra && name in host.extra)) {
    try {
      return renderStatic(fast, host);
    } catch {
      // Rendered again below, so an error (an unknown ref) is the renderer's, with its position.
      ephemerals.length = ephemeralCount;
      if (filtered) filtered.length = filteredCount;
    }
  }
  return renderFile(session.runtime, key, node.raw_code, host, node.original_file_path, () => {
    ephemerals.length = ephemeralCount;
    if (filtered) filtered.length = filteredCount;
  });
}

/**
 * Render a node for running: its SQL with refs resolved, and the ephemeral models it
 * uses (directly or through other ephemerals) injected as CTEs in dependency order.
 */
export async function compileNode(session: CompileSession, node: ManifestNode, options: NodeCompileOptions = {}): Promise<string> {
  const direct: ManifestNode[] = [];
  // Inputs read through a microbatch batch's window become CTEs too (they reference real relations, so they go first).
  const filtered: EventTimeRelation[] = [];
  const sql = await renderNode(session, node, options, direct, filtered);
  if (direct.length === 0)
    return injectCtes(
      sql,
      filtered.map((relation) => relation.cte()),
    );
  const ctes: Array<{ name: string; sql: string }> = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = async (ephemeral: ManifestNode): Promise<void> => {
    if (done.has(ephemeral.unique_id)) return;
    if (visiting.has(ephemeral.unique_id)) {
      throw new KpiError('KPI_DAG_CYCLE', `ephemeral models refer to each other in a cycle through '${ephemeral.name}'`);
    }
    visiting.add(ephemeral.unique_id);
    const nested: ManifestNode[] = [];
    const body = await renderNode(session, ephemeral, { connection: options.connection, varOverrides: options.varOverrides, rendered: options.rendered }, nested);
    for (const inner of nested) await visit(inner);
    done.add(ephemeral.unique_id);
    ctes.push({ name: `${EPHEMERAL_PREFIX}${ephemeral.name}`, sql: body });
  };
  for (const ephemeral of direct) await visit(ephemeral);
  return injectCtes(sql, [...filtered.map((relation) => relation.cte()), ...ctes]);
}

/** Render a hook (pre/post, on-run-start/end) in a node's context, or the project's; `existingTable` as for the node itself. */
export async function renderHookSql(session: CompileSession, node: ManifestNode, sql: string, connection?: Connection, options: Omit<NodeCompileOptions, 'connection'> = {}): Promise<string> {
  return renderText(session.runtime, sql, executeHost(session, node, { ...options, connection }, []), node.original_file_path);
}

/** Under `--empty`, a model's refs (ephemeral ones too) and sources read no rows, as dbt's `limit 0` relations. */
function emptyIfAsked(session: CompileSession, node: ManifestNode, relation: Relation): Relation {
  if (!session.empty || node.resource_type !== 'model') return relation;
  return new EmptyRelation(relation);
}
