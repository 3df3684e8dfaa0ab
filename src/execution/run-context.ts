import type { Adapter } from '../adapters/adapter.js';
import type { CompileSession } from '../compile/compile-node.js';
import type { DependencyGraph } from '../graph/dependency-graph.js';
import type { MicrobatchRunOptions } from '../materializations/incremental/microbatch/event-time-range.js';
import type { BuiltMaterialization } from '../manifest/materializations.js';
import type { ManifestNode, ResourceType } from '../manifest/types.js';
import type { Materialize } from '../materializations/materialization.js';
import type { EventSink, NodeResult } from './types.js';

/** What executing nodes needs for one invocation. */
export interface RunContext {
  session: CompileSession;
  graph: DependencyGraph;
  adapter: Adapter;
  emit: EventSink;
  /** Absolute path of target/. */
  targetDir: string;
  command: string;
  /** How each resource type runs and each materialization builds. */
  registry: ExecutorRegistry;
  /** Microbatch models: a backfill window, and on `retry` the batches to run again. */
  microbatch?: MicrobatchRunOptions;
  /** Aborted on Ctrl-C: nothing new starts, and no node runs another statement. */
  signal?: AbortSignal;
}

/** Runs one node and returns its result; never throws for what the node does (see node-result.ts). */
export type NodeExecutor = (node: ManifestNode, context: RunContext, threadId: string) => Promise<NodeResult>;

/** How each resource type runs, and how each materialization builds: assembled by the API layer. */
export interface ExecutorRegistry {
  executors: Partial<Record<ResourceType, NodeExecutor>>;
  materializations: Record<BuiltMaterialization, Materialize>;
}
