/**
 * The DAG's algorithms at scale, without parsing: build the graph of a synthetic
 * manifest (each model with up to three parents), check it for cycles, order it, and
 * select a descendant and an ancestor closure. Wall times in milliseconds.
 *   npx tsx bench/graph.ts [models]
 */
import { DependencyGraph } from '../src/graph/dependency-graph.js';
import { selectNodes } from '../src/graph/select-nodes.js';
import type { Manifest } from '../src/manifest/types.js';

function syntheticManifest(models: number): Manifest {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < models; i++) {
    const parents = i < 10 ? [] : i % 10 < 6 ? [i - 10] : [i - 1, i - 3, i - 7];
    nodes[`model.bench.m_${i}`] = {
      unique_id: `model.bench.m_${i}`,
      resource_type: 'model',
      name: `m_${i}`,
      package_name: 'bench',
      fqn: ['bench', `m_${i}`],
      path: `m_${i}.sql`,
      original_file_path: `models/m_${i}.sql`,
      tags: [],
      config: { enabled: true, materialized: 'view', tags: [] },
      depends_on: { nodes: parents.map((p) => `model.bench.m_${p}`), macros: [] },
    };
  }
  return { nodes, sources: {}, macros: {}, exposures: {}, metrics: {}, semantic_models: {}, unit_tests: {}, docs: {}, disabled: {} } as unknown as Manifest;
}

function time<T>(label: string, figures: Record<string, number>, run: () => T): T {
  const started = performance.now();
  const result = run();
  figures[label] = +(performance.now() - started).toFixed(1);
  return result;
}

const models = Number(process.argv[2] ?? 50000);
const manifest = syntheticManifest(models);
const figures: Record<string, number> = {};
const graph = time('buildMs', figures, () => new DependencyGraph(manifest));
try {
  time('acyclicMs', figures, () => graph.assertAcyclic());
} catch (error) {
  // The recursive search this replaced overflowed the stack at 50,000 chained models.
  console.log(`assertAcyclic failed: ${String(error).slice(0, 80)}`);
}
time('orderAllMs', figures, () => graph.topologicalOrder());
const middle = `m_${Math.floor(models / 2)}`;
const down = time('selectDescendantsMs', figures, () => selectNodes(graph, { select: [`${middle}+`], resourceTypes: ['model'] }));
const up = time('selectAncestorsMs', figures, () => selectNodes(graph, { select: [`+m_${models - 1}`], resourceTypes: ['model'] }));
console.log(JSON.stringify({ models, ...figures, descendants: down.length, ancestors: up.length }));
