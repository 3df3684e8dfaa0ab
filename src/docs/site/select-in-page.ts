import type { DocsData, DocsNode } from '../docs-data.js';

export type PageSelection = { ids: string[]; error: null } | { ids: null; error: string };

/**
 * The graph's selector box: kpi's `--select` / `--exclude` grammar (dbt's), evaluated in
 * the page over the docs data, with the same results as graph/select-nodes.ts for the
 * methods it supports (tests/integration/docs.test.ts compares the two on the KPI
 * project). Unions are words, intersections commas; `+`, `n+`, `+n` and `@` as dbt.
 * `state:` and `result:` need an earlier run's artifacts, which the page does not carry,
 * so they are refused with a message; `metric:` and `version:` match nothing, as in kpi.
 * No `--exclude` and no `--select` gives every node, as a command with no flags.
 */
export function selectInPage(data: DocsData, select: string, exclude: string): PageSelection {
  const known = [
    'fqn',
    'tag',
    'path',
    'file',
    'config',
    'resource_type',
    'source',
    'test_type',
    'test_name',
    'package',
    'state',
    'result',
    'exposure',
    'metric',
    'group',
    'access',
    'version',
    'unit_test',
    'wildcard',
  ];
  const glob = (pattern: string, text: string): boolean => {
    if (!/[*?[]/.test(pattern)) return pattern === text;
    let regex = '';
    for (let i = 0; i < pattern.length; i++) {
      const char = pattern[i];
      if (char === '*') regex += '.*';
      else if (char === '?') regex += '.';
      else if (char === '[') {
        const end = pattern.indexOf(']', i + 1);
        if (end < 0) regex += '\\[';
        else {
          regex += `[${pattern.slice(i + 1, end).replace(/^!/, '^')}]`;
          i = end;
        }
      } else regex += char.replace(/[.+^${}()|\\/]/g, '\\$&');
    }
    return new RegExp(`^${regex}$`).test(text);
  };
  const fqnMatches = (fqn: string[], selector: string): boolean => {
    if (glob(selector, fqn[fqn.length - 1])) return true;
    const parts = selector.split('.');
    const flat = (list: string[]) => list.flatMap((part) => part.split('.'));
    return [flat(fqn), flat(fqn.slice(1))].some((candidate) => {
      if (parts.length > candidate.length) return false;
      for (let i = 0; i < parts.length; i++) {
        if (parts[i] === '*') return true;
        if (!glob(parts[i], candidate[i])) return false;
      }
      return true;
    });
  };
  const pathMatches = (path: string, selector: string): boolean => {
    const normalized = selector.replace(/^\.\//, '').replace(/\/$/, '');
    return glob(normalized, path) || path.startsWith(`${normalized}/`) || path === normalized;
  };
  const configMatches = (value: unknown, wanted: string): boolean => {
    if (Array.isArray(value)) return value.some((item) => configMatches(item, wanted));
    if (value === null || value === undefined) return wanted === 'none' || wanted === 'None';
    if (typeof value === 'object') return false;
    return glob(wanted, String(value));
  };
  interface Atom {
    method: string;
    args: string[];
    value: string;
    parents: number | null;
    children: number | null;
    at: boolean;
  }
  const parseAtom = (text: string): Atom => {
    const match = /^(@)?(?:(\d*)\+)?(?:([A-Za-z_][\w.]*):)?(.+?)(?:\+(\d*))?$/.exec(text);
    if (!match) throw new Error(`cannot read the selector '${text}'`);
    const [, at, up, methodText, value, down] = match;
    const [method, ...args] = (methodText ?? 'fqn').split('.');
    if (!known.includes(method)) throw new Error(`'${method}' in '${text}' is not a selector method`);
    if (method === 'state' || method === 'result') throw new Error(`'${text}': ${method}: selectors need an earlier run's artifacts; the docs page does not support them (use the command line)`);
    if (method === 'config' && args.length === 0) throw new Error(`'${text}' needs the config key: config.materialized:table`);
    if (at && (up !== undefined || down !== undefined)) throw new Error(`'${text}' mixes '@' with '+': use one or the other`);
    return { method, args, value, parents: up === undefined ? null : up ? Number(up) : Infinity, children: down === undefined ? null : down ? Number(down) : Infinity, at: Boolean(at) };
  };
  const matches = (atom: Atom, node: DocsNode): boolean => {
    const facts = node.select;
    const value = atom.value;
    const isSource = node.type === 'source';
    switch (atom.method) {
      case 'fqn':
        if (isSource || node.type === 'exposure') return false;
        if (value.includes('/') || value.endsWith('.sql') || value.endsWith('.csv')) return pathMatches(node.file, value);
        return fqnMatches(facts.fqn, value);
      case 'wildcard':
        return fqnMatches(facts.fqn, value);
      case 'tag':
        return facts.tags.some((tag) => glob(value, tag));
      case 'path':
        return pathMatches(node.file, value);
      case 'file': {
        const file = node.file.split('/').pop() ?? '';
        return glob(value, file) || glob(value, file.replace(/\.[^.]+$/, ''));
      }
      case 'config':
        return configMatches(
          atom.args.reduce<unknown>((current, key) => (current == null ? undefined : (current as Record<string, unknown>)[key]), facts.config),
          value,
        );
      case 'resource_type':
        return node.type === value;
      case 'source': {
        if (!isSource) return false;
        const [source, table] = value.split('.');
        return glob(source, facts.sourceName ?? '') && (table === undefined || glob(table, node.name));
      }
      case 'test_type':
        if (isSource) return false;
        if (value === 'unit') return node.type === 'unit_test';
        if (node.type !== 'test') return false;
        if (value === 'generic') return facts.testName !== null;
        if (value === 'singular') return facts.testName === null;
        return value === 'data';
      case 'test_name':
        return facts.testName !== null && glob(value, facts.testName);
      case 'package':
        return glob(value, facts.package);
      case 'unit_test':
        return node.type === 'unit_test' && fqnMatches(facts.fqn, value);
      case 'exposure':
        return node.type === 'exposure' && glob(value, node.name);
      case 'group':
        return typeof facts.config.group === 'string' && glob(value, facts.config.group);
      case 'access':
        return node.type === 'model' && facts.config.access === value;
      default:
        return false;
    }
  };
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const [from, to] of data.edges) {
    if (!(parents.get(to) ?? []).includes(from)) parents.set(to, [...(parents.get(to) ?? []), from]);
    if (!(children.get(from) ?? []).includes(to)) children.set(from, [...(children.get(from) ?? []), to]);
  }
  const walk = (start: string, depth: number, next: Map<string, string[]>): string[] => {
    const seen = new Set<string>();
    let frontier = [start];
    for (let level = 0; level < depth && frontier.length > 0; level++) {
      const following: string[] = [];
      for (const id of frontier) {
        for (const neighbour of next.get(id) ?? []) {
          if (seen.has(neighbour)) continue;
          seen.add(neighbour);
          following.push(neighbour);
        }
      }
      frontier = following;
    }
    seen.delete(start);
    return [...seen];
  };
  const evaluateAtom = (atom: Atom): Set<string> => {
    const matched = Object.values(data.nodes)
      .filter((node) => matches(atom, node))
      .map((node) => node.id);
    const result = new Set(matched);
    for (const id of matched) {
      if (atom.parents !== null) for (const parent of walk(id, atom.parents, parents)) result.add(parent);
      if (atom.children !== null || atom.at) {
        for (const child of walk(id, atom.at ? Infinity : (atom.children as number), children)) {
          result.add(child);
          if (atom.at) for (const parent of walk(child, Infinity, parents)) result.add(parent);
        }
      }
    }
    return result;
  };
  const evaluate = (text: string): Set<string> => {
    const union = new Set<string>();
    for (const word of text.split(/\s+/).filter((part) => part.length > 0)) {
      const sets = word.split(',').map((part) => {
        if (part.length === 0) throw new Error(`'${word}' has an empty part around a comma`);
        return evaluateAtom(parseAtom(part));
      });
      for (const id of sets[0]) if (sets.every((set) => set.has(id))) union.add(id);
    }
    return union;
  };
  try {
    const selected = select.trim() ? evaluate(select) : new Set(Object.keys(data.nodes));
    const excluded = exclude.trim() ? evaluate(exclude) : new Set<string>();
    return { ids: [...selected].filter((id) => !excluded.has(id)).sort(), error: null };
  } catch (error) {
    return { ids: null, error: (error as Error).message };
  }
}
