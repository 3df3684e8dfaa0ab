import { KpiError } from '../../errors.js';
import type { RunContext } from '../../execution/run-context.js';
import type { NodeResult } from '../../execution/types.js';
import type { BuiltMaterialization } from '../../manifest/materializations.js';
import type { ManifestNode } from '../../manifest/types.js';
import { runMaterialized } from '../run-materialized.js';
import { isMicrobatchModel, runMicrobatchModel } from './run-microbatch-model.js';

export async function runModel(node: ManifestNode, context: RunContext, threadId: string): Promise<NodeResult> {
  // A microbatch model runs as a series of batches, each compiled and applied on its own.
  if (isMicrobatchModel(node)) return runMicrobatchModel(node, context, threadId);
  return runMaterialized(node, context, threadId, () => {
    const materialize = context.registry.materializations[node.config.materialized as BuiltMaterialization];
    if (!materialize) throw new KpiError('KPI_MATERIALIZATION_UNKNOWN', `materialized='${node.config.materialized}' is not supported`, { node: node.unique_id });
    return materialize;
  });
}
