import { createSchema } from '../materializations/ddl.js';
import { renderText } from '../template/render-template.js';
import { executeHost, syntheticNode } from '../compile/compile-node.js';
import { KpiError } from '../errors.js';
import type { ManifestNode } from '../manifest/types.js';
import { buildPlan } from './build-plan.js';
import { describeFailure, describeNode, makeResult } from '../execution/node-result.js';
import type { RunContext } from '../execution/run-context.js';
import { runSchedule } from './schedule.js';
import type { NodeResult } from '../execution/types.js';
import { interrupted } from '../execution/materialization-context.js';

export interface ExecuteOptions {
  threads: number;
  failFast: boolean;
  /** `build`: a node waits for its parents' tests. */
  testsGateChildren: boolean;
  /** Run the project's on-run-start / on-run-end hooks. */
  runHooks: boolean;
}

/** Schemas the selected nodes build into, created before anything runs (never dropped). */
async function createSchemas(context: RunContext, nodes: readonly ManifestNode[]): Promise<void> {
  const schemas = [...new Set(nodes.filter((node) => node.relation_name !== null || node.resource_type === 'seed').map((node) => node.schema))].sort();
  if (schemas.length === 0) return;
  await context.adapter.withConnection(async (connection) => {
    for (const schema of schemas) await connection.query(createSchema(schema));
  });
}

async function runProjectHooks(context: RunContext, which: 'on-run-start' | 'on-run-end', results: NodeResult[]): Promise<void> {
  const { config } = context.session.loaded;
  const hooks = which === 'on-run-start' ? config.onRunStart : config.onRunEnd;
  if (hooks.length === 0) return;
  const projectNode = syntheticNode(context.session, 'operation', `${config.name}-${which}`, '', config.projectFile);
  await context.adapter.withConnection(async (connection) => {
    for (const hook of hooks) {
      const host = executeHost(context.session, projectNode, { connection, extra: { results, schemas: [...new Set(Object.values(context.session.manifest.nodes).map((node) => node.schema))] } }, []);
      const sql = await renderText(context.session.runtime, hook, host, config.projectFile);
      if (!sql.trim()) continue;
      try {
        await connection.query(sql);
      } catch (error) {
        throw new KpiError('KPI_DATABASE_ERROR', `${which} hook failed: ${(error as Error).message}`, { location: { file: config.projectFile }, cause: error });
      }
    }
  });
}

/** Run the selected nodes in dependency order, emitting events; a result for every node. */
export async function executeNodes(context: RunContext, selected: readonly string[], options: ExecuteOptions): Promise<NodeResult[]> {
  const manifest = context.session.manifest;
  const plan = buildPlan(context.graph, selected, { testsGateChildren: options.testsGateChildren });
  const nodes = plan.order.map((id) => manifest.nodes[id]);
  const total = plan.order.length;
  await createSchemas(context, nodes);
  if (options.runHooks) await runProjectHooks(context, 'on-run-start', []);

  // Ctrl-C: what runs on a server is cancelled now; the embedded database finishes its statement, then the node rolls back.
  const cancel = () => void context.adapter.cancelRunning?.().catch(() => undefined);
  context.signal?.addEventListener('abort', cancel, { once: true });
  const results = await runSchedule(plan, {
    threads: options.threads,
    failFast: options.failFast,
    signal: context.signal,
    execute: async (id, index, threadId) => {
      const node = manifest.nodes[id];
      const description = describeNode(node);
      context.emit({ type: 'node_started', index, total, node: description });
      const executor = context.registry.executors[node.resource_type];
      let result: NodeResult;
      try {
        if (!executor) throw new KpiError('KPI_USAGE', `${node.resource_type} nodes cannot run yet`);
        result = await executor(node, context, threadId);
      } catch (error) {
        const failure = describeFailure(error, node, null, null);
        result = makeResult(node, 'error', { threadId, message: failure.message, error_code: failure.code });
      }
      // However the node stopped (a cancelled statement, the next one refused), the reader is told why.
      if (context.signal?.aborted && result.status === 'error') result = { ...result, message: interrupted().message, error_code: 'KPI_INTERRUPTED' };
      context.emit({ type: 'node_finished', index, total, node: description, result });
      return result;
    },
    skip: (id, index, reason) => {
      const node = manifest.nodes[id];
      const result = makeResult(node, 'skipped', { threadId: 'main', message: reason });
      context.emit({ type: 'node_finished', index, total, node: describeNode(node), result });
      return result;
    },
  });
  context.signal?.removeEventListener('abort', cancel);
  if (options.runHooks && !context.signal?.aborted) await runProjectHooks(context, 'on-run-end', results);
  return results;
}
