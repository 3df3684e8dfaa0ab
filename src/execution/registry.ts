import type { BuiltMaterialization } from '../manifest/materializations.js';
import type { ManifestNode, ResourceType } from '../manifest/types.js';
import type { Materialize } from '../materializations/materialization.js';
import type { RunContext } from './run-context.js';
import type { NodeResult } from './types.js';

/** Runs one node and returns its result; never throws for what the node does (see node-result.ts). */
export type NodeExecutor = (node: ManifestNode, context: RunContext, threadId: string) => Promise<NodeResult>;

/** How each resource type runs, and how each materialization builds: assembled by the API layer. */
export interface ExecutorRegistry {
  executors: Partial<Record<ResourceType, NodeExecutor>>;
  materializations: Record<BuiltMaterialization, Materialize>;
}
