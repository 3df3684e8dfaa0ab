import type { DocsData } from '../docs-data.js';

export interface LineageGraph {
  nodes: string[];
  edges: Array<[string, string]>;
}

/**
 * The lineage around one node, as dbt's docs draw it (`+node+`): every ancestor and
 * every descendant, and the edges among them. Tests are left out unless asked for (they
 * are leaves hanging off nearly every node and would crowd the picture), except the focus.
 */
export function lineageSubgraph(data: DocsData, focus: string, includeTests: boolean): LineageGraph {
  // The focus is always drawn, so a test's own page shows it with the nodes it tests and their lineage.
  const shown = (id: string) => Boolean(data.nodes[id]) && (id === focus || includeTests || (data.nodes[id].type !== 'test' && data.nodes[id].type !== 'unit_test'));
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const [from, to] of data.edges) {
    if (!shown(from) || !shown(to)) continue;
    parents.set(to, [...(parents.get(to) ?? []), from]);
    children.set(from, [...(children.get(from) ?? []), to]);
  }
  const included = new Set<string>([focus]);
  for (const next of [parents, children]) {
    const queue = [focus];
    while (queue.length > 0) {
      for (const neighbour of next.get(queue.shift() as string) ?? []) {
        if (included.has(neighbour)) continue;
        included.add(neighbour);
        queue.push(neighbour);
      }
    }
  }
  const nodes = [...included].sort();
  const edges = data.edges.filter(([from, to]) => included.has(from) && included.has(to) && shown(from) && shown(to));
  return { nodes, edges };
}
