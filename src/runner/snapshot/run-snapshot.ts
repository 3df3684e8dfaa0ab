import type { RunContext } from '../../execution/run-context.js';
import type { NodeResult } from '../../execution/types.js';
import type { ManifestNode } from '../../manifest/types.js';
import { materializeSnapshot } from '../../materializations/snapshot/snapshot.js';
import { runMaterialized } from '../run-materialized.js';

/** One snapshot: compile its query, then record the source's changes in its table in one transaction. */
export function runSnapshot(node: ManifestNode, context: RunContext, threadId: string): Promise<NodeResult> {
  return runMaterialized(node, context, threadId, () => materializeSnapshot);
}
