import type { LineageGraph } from './lineage-subgraph.js';

export interface LineageBox {
  id: string;
  layer: number;
  x: number;
  y: number;
}

export interface LineageLayout {
  boxes: LineageBox[];
  edges: Array<{ from: string; to: string; path: string }>;
  width: number;
  height: number;
  boxWidth: number;
  boxHeight: number;
}

/**
 * A layered drawing of a DAG, left to right (a small Sugiyama): each node's layer is
 * the longest path to it from a node without parents, so every edge points right;
 * nodes in a layer are ordered by the mean position of their neighbours in the layer
 * before, then after (a few sweeps untangle most crossings); edges are cubic curves
 * from a box's right side to the next box's left side.
 */
export function layoutLineage(graph: LineageGraph): LineageLayout {
  const boxWidth = 200;
  const boxHeight = 34;
  const gapX = 70;
  const gapY = 16;
  const pad = 12;
  const parents = new Map<string, string[]>(graph.nodes.map((id) => [id, []]));
  const children = new Map<string, string[]>(graph.nodes.map((id) => [id, []]));
  for (const [from, to] of graph.edges) {
    parents.get(to)?.push(from);
    children.get(from)?.push(to);
  }
  // Longest-path layering in topological order (Kahn); the graph is acyclic, as kpi checks when it parses.
  const layer = new Map<string, number>();
  const waiting = new Map(graph.nodes.map((id) => [id, parents.get(id)?.length ?? 0]));
  const ready = graph.nodes.filter((id) => waiting.get(id) === 0);
  while (ready.length > 0) {
    const id = ready.shift() as string;
    layer.set(id, Math.max(0, ...(parents.get(id) ?? []).map((parent) => (layer.get(parent) ?? 0) + 1)));
    for (const child of children.get(id) ?? []) {
      const left = (waiting.get(child) ?? 1) - 1;
      waiting.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  const depth = Math.max(0, ...layer.values());
  const layers: string[][] = Array.from({ length: depth + 1 }, () => []);
  for (const id of graph.nodes) layers[layer.get(id) ?? 0].push(id);

  const position = new Map<string, number>();
  layers.forEach((ids) => ids.forEach((id, at) => position.set(id, at)));
  const reorder = (ids: string[], neighbours: Map<string, string[]>) => {
    const weight = new Map<string, number>();
    for (const id of ids) {
      const around = (neighbours.get(id) ?? []).map((other) => position.get(other) ?? 0);
      weight.set(id, around.length > 0 ? around.reduce((sum, value) => sum + value, 0) / around.length : (position.get(id) ?? 0));
    }
    ids.sort((a, b) => (weight.get(a) ?? 0) - (weight.get(b) ?? 0));
    ids.forEach((id, at) => position.set(id, at));
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    for (let at = 1; at < layers.length; at++) reorder(layers[at], parents);
    for (let at = layers.length - 2; at >= 0; at--) reorder(layers[at], children);
  }

  const tallest = Math.max(1, ...layers.map((ids) => ids.length));
  const boxes: LineageBox[] = [];
  const placed = new Map<string, LineageBox>();
  layers.forEach((ids, at) => {
    const offset = ((tallest - ids.length) * (boxHeight + gapY)) / 2;
    ids.forEach((id, row) => {
      const box = { id, layer: at, x: pad + at * (boxWidth + gapX), y: pad + offset + row * (boxHeight + gapY) };
      boxes.push(box);
      placed.set(id, box);
    });
  });
  const edges = graph.edges.map(([from, to]) => {
    const start = placed.get(from) as LineageBox;
    const end = placed.get(to) as LineageBox;
    const x1 = start.x + boxWidth;
    const y1 = start.y + boxHeight / 2;
    const x2 = end.x;
    const y2 = end.y + boxHeight / 2;
    const bend = Math.max(20, (x2 - x1) / 2);
    return { from, to, path: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}` };
  });
  return {
    boxes,
    edges,
    width: pad * 2 + layers.length * boxWidth + (layers.length - 1) * gapX,
    height: pad * 2 + tallest * boxHeight + (tallest - 1) * gapY,
    boxWidth,
    boxHeight,
  };
}
