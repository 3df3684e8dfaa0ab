import type { DependencyGraph } from '../graph/dependency-graph.js';
import type { ManifestNode } from '../manifest/types.js';
import type { SchedulePlan } from './schedule.js';

function isExecuted(node: ManifestNode | undefined): boolean {
  return node !== undefined && !(node.resource_type === 'model' && node.config.materialized === 'ephemeral');
}

/**
 * The schedule for the selected nodes. Ephemeral models do not run (they are inlined),
 * so a node waits for whatever its ephemeral parents wait for. In `build`, a node also
 * waits for the tests of what is upstream of it, so a failing test stops what is built on top.
 */
export function buildPlan(graph: DependencyGraph, selected: readonly string[], options: { testsGateChildren: boolean }): SchedulePlan {
  const manifest = graph.manifest;
  const order = selected.filter((id) => isExecuted(manifest.nodes[id]));
  const inPlan = new Set(order);

  const effectiveParents = (id: string, seen = new Set<string>()): string[] => {
    const found: string[] = [];
    for (const parent of graph.parents(id)) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      if (inPlan.has(parent)) found.push(parent);
      else if (manifest.nodes[parent]?.config.materialized === 'ephemeral') found.push(...effectiveParents(parent, seen));
    }
    return found;
  };

  const dependencies = new Map<string, string[]>();
  for (const id of order) dependencies.set(id, [...new Set(effectiveParents(id))]);

  if (options.testsGateChildren) {
    // dbt's rule: a node waits for every test whose parents are all upstream of it, so a
    // failing test stops what is built on top of what it tested, at any distance. A test
    // that also reads a node off that path (a relationships test to another model) gates
    // only the nodes downstream of both.
    const tests = order.filter((id) => manifest.nodes[id].resource_type === 'test');
    for (const id of order) {
      const node = manifest.nodes[id];
      if (node.resource_type === 'test' || node.resource_type === 'unit_test') continue;
      const upstream = graph.ancestors(id);
      const gating = tests.filter((test) => {
        const parents = manifest.nodes[test].depends_on.nodes;
        return parents.length > 0 && parents.every((parent) => upstream.has(parent));
      });
      if (gating.length > 0) dependencies.set(id, [...new Set([...(dependencies.get(id) ?? []), ...gating])]);
    }
    // dbt 1.8: a model's unit tests run before it (they read fixtures, not the model), after
    // what the model is built from (their fixtures take those relations' column types), and
    // a failing one keeps the model and everything built on it from running.
    for (const id of order) {
      const node = manifest.nodes[id];
      if (node.resource_type !== 'unit_test') continue;
      const model = node.depends_on.nodes.find((parent) => inPlan.has(parent));
      if (!model) continue;
      dependencies.set(
        id,
        (dependencies.get(model) ?? []).filter((dependency) => manifest.nodes[dependency]?.resource_type !== 'test'),
      );
      dependencies.set(model, [...new Set([...(dependencies.get(model) ?? []), id])]);
    }
  }
  return { order: orderRespecting(order, dependencies), dependencies };
}

/** Keep the topological order, moving a node after any extra dependency (tests) it gained. */
function orderRespecting(order: readonly string[], dependencies: ReadonlyMap<string, readonly string[]>): string[] {
  const placed = new Set<string>();
  const result: string[] = [];
  const place = (id: string, stack: Set<string>): void => {
    if (placed.has(id) || stack.has(id)) return;
    stack.add(id);
    for (const dependency of dependencies.get(id) ?? []) place(dependency, stack);
    placed.add(id);
    result.push(id);
  };
  for (const id of order) place(id, new Set());
  return result;
}
