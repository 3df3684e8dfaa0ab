import type { Adapter } from '../adapters/adapter.js';
import type { CompileSession } from '../compile/compile-node.js';
import type { DependencyGraph } from '../graph/dependency-graph.js';
import type { MicrobatchRunOptions } from '../materializations/incremental/microbatch/event-time-range.js';
import type { ExecutorRegistry } from './registry.js';
import type { EventSink } from './types.js';

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
}
