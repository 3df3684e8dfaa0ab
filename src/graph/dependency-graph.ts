import { KpiError } from '../errors.js';
import type { GraphMember, Manifest } from '../manifest/types.js';

/** The project's DAG: nodes and sources, an edge from each parent to each child. */
export class DependencyGraph {
  private readonly parentIds = new Map<string, string[]>();
  private readonly childIds = new Map<string, string[]>();

  constructor(readonly manifest: Manifest) {
    for (const id of [...Object.keys(manifest.sources), ...Object.keys(manifest.nodes)]) {
      this.parentIds.set(id, []);
      this.childIds.set(id, []);
    }
    for (const node of Object.values(manifest.nodes)) {
      for (const parent of new Set(node.depends_on.nodes)) {
        if (!this.childIds.has(parent)) continue;
        this.parentIds.get(node.unique_id)?.push(parent);
        this.childIds.get(parent)?.push(node.unique_id);
      }
    }
  }

  member(id: string): GraphMember | undefined {
    return this.manifest.nodes[id] ?? this.manifest.sources[id];
  }

  ids(): string[] {
    return [...this.parentIds.keys()];
  }

  has(id: string): boolean {
    return this.parentIds.has(id);
  }

  parents(id: string): string[] {
    return this.parentIds.get(id) ?? [];
  }

  children(id: string): string[] {
    return this.childIds.get(id) ?? [];
  }

  /** Everything upstream of `id` (within `depth` steps when given). */
  ancestors(id: string, depth = Infinity): Set<string> {
    return this.walk(id, depth, (current) => this.parents(current));
  }

  /** Everything downstream of `id` (within `depth` steps when given). */
  descendants(id: string, depth = Infinity): Set<string> {
    return this.walk(id, depth, (current) => this.children(current));
  }

  private walk(start: string, depth: number, next: (id: string) => string[]): Set<string> {
    const seen = new Set<string>();
    let frontier = [start];
    for (let level = 0; level < depth && frontier.length > 0; level++) {
      const following: string[] = [];
      for (const id of frontier) {
        for (const neighbour of next(id)) {
          if (!seen.has(neighbour)) {
            seen.add(neighbour);
            following.push(neighbour);
          }
        }
      }
      frontier = following;
    }
    seen.delete(start);
    return seen;
  }

  /** Throws KPI_DAG_CYCLE naming the cycle (`a -> b -> c -> a`) if there is one. */
  assertAcyclic(): void {
    const cycle = this.findCycle();
    if (!cycle) return;
    const names = cycle.map((id) => this.member(id)?.name ?? id);
    const first = this.member(cycle[0]);
    throw new KpiError('KPI_DAG_CYCLE', `the project has a dependency cycle: ${names.join(' -> ')}`, {
      location: first && 'original_file_path' in first ? { file: first.original_file_path } : undefined,
      hint: 'a model cannot depend on itself, directly or through others; remove one of the refs',
    });
  }

  findCycle(): string[] | null {
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (id: string): string[] | null => {
      state.set(id, 'open');
      stack.push(id);
      for (const child of [...this.children(id)].sort()) {
        const seen = state.get(child);
        if (seen === 'open') return [...stack.slice(stack.indexOf(child)), child];
        if (seen === undefined) {
          const found = visit(child);
          if (found) return found;
        }
      }
      stack.pop();
      state.set(id, 'done');
      return null;
    };
    for (const id of this.ids().sort()) {
      if (!state.has(id)) {
        const found = visit(id);
        if (found) return found;
      }
    }
    return null;
  }

  private depths: Map<string, number> | null = null;

  /** Longest path from a root: nodes nearer the sources come first in listings. */
  depth(id: string): number {
    if (!this.depths) {
      this.depths = new Map();
      for (const current of this.topologicalOrderBy(this.ids(), (a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
        this.depths.set(current, Math.max(-1, ...this.parents(current).map((parent) => this.depths?.get(parent) ?? 0)) + 1);
      }
    }
    return this.depths.get(id) ?? 0;
  }

  /** A topological order of `ids` (all when omitted), ties broken by depth then id, for stable output. */
  topologicalOrder(ids?: Iterable<string>): string[] {
    return this.topologicalOrderBy(ids ?? this.ids(), (a, b) => this.depth(a) - this.depth(b) || (a < b ? -1 : a > b ? 1 : 0));
  }

  private topologicalOrderBy(ids: Iterable<string>, compare: (a: string, b: string) => number): string[] {
    const wanted = new Set(ids);
    const inDegree = new Map<string, number>();
    for (const id of wanted) inDegree.set(id, this.parents(id).filter((parent) => wanted.has(parent)).length);
    const ready = [...wanted].filter((id) => inDegree.get(id) === 0).sort(compare);
    const order: string[] = [];
    while (ready.length > 0) {
      const id = ready.shift() as string;
      order.push(id);
      for (const child of this.children(id)) {
        if (!wanted.has(child)) continue;
        const remaining = (inDegree.get(child) ?? 0) - 1;
        inDegree.set(child, remaining);
        if (remaining === 0) {
          const at = ready.findIndex((other) => compare(other, child) > 0);
          ready.splice(at < 0 ? ready.length : at, 0, child);
        }
      }
    }
    return order;
  }
}
