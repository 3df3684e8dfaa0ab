import { KpiError } from '../errors.js';
import type { GraphMember, Manifest, ManifestNode, SourceDefinition } from '../manifest/types.js';
import type { DependencyGraph } from './dependency-graph.js';
import { globMatch, parseSelector, type SelectorAtom } from './selector.js';
import { isModified } from './state-comparison.js';

/** What a selection may keep: the resource types of nodes, sources and exposures. */
export type SelectableType = GraphMember['resource_type'];

export interface SelectionInput {
  select?: readonly string[];
  exclude?: readonly string[];
  /** Resource types the command acts on (`run`: models; `build`: all). */
  resourceTypes: readonly SelectableType[];
  /** Select tests whose parents are selected (`test`, `build`). */
  indirectTests?: boolean;
  /** The manifest of an earlier run, for `state:` selectors. */
  state?: Manifest | null;
  /** Results of the earlier run (`result:error`), by unique id. */
  previousResults?: Record<string, string>;
}

function flatFqn(fqn: readonly string[]): string[] {
  return fqn.flatMap((part) => part.split('.'));
}

function fqnMatches(fqn: readonly string[], selector: string): boolean {
  if (globMatch(selector, fqn[fqn.length - 1])) return true;
  const parts = selector.split('.');
  const candidates = [flatFqn(fqn), flatFqn(fqn.slice(1))];
  return candidates.some((flat) => {
    if (parts.length > flat.length) return false;
    for (let i = 0; i < parts.length; i++) {
      if (parts[i] === '*') return true;
      if (!globMatch(parts[i], flat[i])) return false;
    }
    return true;
  });
}

function pathMatches(path: string, selector: string): boolean {
  const normalized = selector.replace(/^\.\//, '').replace(/\/$/, '');
  if (globMatch(normalized, path)) return true;
  return path.startsWith(`${normalized}/`) || path === normalized;
}

function asNode(member: GraphMember): ManifestNode | null {
  return member.resource_type === 'source' || member.resource_type === 'exposure' ? null : (member as ManifestNode);
}

function configValueMatches(value: unknown, wanted: string): boolean {
  if (Array.isArray(value)) return value.some((item) => configValueMatches(item, wanted));
  if (value === null || value === undefined) return wanted === 'none' || wanted === 'None';
  if (typeof value === 'object') return false;
  return globMatch(wanted, String(value));
}

export function methodMatches(atom: SelectorAtom, member: GraphMember, input: SelectionInput): boolean {
  const node = asNode(member);
  const value = atom.value;
  switch (atom.method) {
    case 'fqn':
      // As in dbt, names select parsed nodes; sources are selected with source:, exposures with exposure:.
      if (member.resource_type === 'source' || member.resource_type === 'exposure') return false;
      if (value.includes('/') || value.endsWith('.sql') || value.endsWith('.csv')) return pathMatches(member.original_file_path, value);
      return fqnMatches(member.fqn, value);
    case 'wildcard':
      return fqnMatches(member.fqn, value);
    case 'tag': {
      const tags = node ? node.config.tags : member.tags;
      return tags.some((tag) => globMatch(value, tag));
    }
    case 'path':
      return pathMatches(member.original_file_path, value);
    case 'file': {
      const file = member.original_file_path.split('/').pop() ?? '';
      return globMatch(value, file) || globMatch(value, file.replace(/\.[^.]+$/, ''));
    }
    case 'config':
      return configValueMatches(getPath(member.config, atom.methodArgs), value);
    case 'resource_type':
      return member.resource_type === value;
    case 'source': {
      if (member.resource_type !== 'source') return false;
      const [source, table] = value.split('.');
      return globMatch(source, (member as SourceDefinition).source_name) && (table === undefined || globMatch(table, member.name));
    }
    case 'test_type':
      if (!node) return false;
      if (value === 'unit') return node.resource_type === 'unit_test';
      if (node.resource_type !== 'test') return false;
      if (value === 'generic') return node.test_metadata !== undefined;
      if (value === 'singular') return node.test_metadata === undefined;
      return value === 'data';
    case 'test_name':
      return node?.test_metadata !== undefined && globMatch(value, node.test_metadata.name);
    case 'package':
      return globMatch(value, member.package_name);
    case 'exposure':
      return member.resource_type === 'exposure' && globMatch(value, member.name);
    case 'group':
      // As dbt's group method: the node's group config.
      return node !== null && typeof node.config.group === 'string' && globMatch(value, node.config.group);
    case 'access':
      return node?.resource_type === 'model' && node.access === value;
    case 'unit_test':
      return node?.resource_type === 'unit_test' && fqnMatches(member.fqn, value);
    case 'state':
      return stateMatches(atom, member, input);
    case 'result':
      return input.previousResults?.[member.unique_id] === value;
    default:
      return false;
  }
}

function stateMatches(atom: SelectorAtom, member: GraphMember, input: SelectionInput): boolean {
  if (!input.state) {
    throw new KpiError('KPI_STATE_NOT_FOUND', `'${atom.text}' needs --state DIR: an earlier manifest to compare with`, {
      hint: 'pass --state DIR, a folder holding the manifest.json of an earlier run',
    });
  }
  const previous = input.state.nodes[member.unique_id] ?? input.state.sources[member.unique_id] ?? input.state.exposures?.[member.unique_id];
  switch (atom.value) {
    case 'new':
      return previous === undefined;
    case 'old':
      return previous !== undefined;
    case 'unmodified':
      return previous !== undefined && !isModified(member, previous, 'any');
    default: {
      const [kind, sub] = atom.value.split('.');
      if (kind !== 'modified') {
        throw new KpiError('KPI_SELECTOR_INVALID', `'${atom.text}': state selectors are state:modified, state:new, state:old, state:unmodified`);
      }
      return previous === undefined || isModified(member, previous, (sub ?? 'any') as 'any');
    }
  }
}

function getPath(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((current, key) => (current == null ? undefined : (current as Record<string, unknown>)[key]), value);
}

function evaluateAtom(atom: SelectorAtom, graph: DependencyGraph, input: SelectionInput): Set<string> {
  const matched = new Set<string>();
  for (const id of graph.ids()) {
    const member = graph.member(id);
    if (member && methodMatches(atom, member, input)) matched.add(id);
  }
  const result = new Set(matched);
  for (const id of matched) {
    if (atom.parents) for (const parent of graph.ancestors(id, atom.parentsDepth)) result.add(parent);
    if (atom.children || atom.childrensParents) {
      for (const child of graph.descendants(id, atom.childrensParents ? Infinity : atom.childrenDepth)) {
        result.add(child);
        if (atom.childrensParents) for (const parent of graph.ancestors(child)) result.add(parent);
      }
    }
  }
  return result;
}

function evaluate(args: readonly string[], graph: DependencyGraph, input: SelectionInput): Set<string> {
  const union = new Set<string>();
  for (const intersection of parseSelector(args)) {
    const [first, ...rest] = intersection.map((atom) => evaluateAtom(atom, graph, input));
    for (const id of first) if (rest.every((matched) => matched.has(id))) union.add(id);
  }
  return union;
}

/**
 * The nodes a command acts on: `--select` (all when absent), minus `--exclude`, kept to
 * the command's resource types; with `indirectTests`, plus the tests of selected nodes.
 */
export function selectNodes(graph: DependencyGraph, input: SelectionInput): string[] {
  const selectArgs = input.select?.filter((arg) => arg.trim().length > 0) ?? [];
  const selected = selectArgs.length > 0 ? evaluate(selectArgs, graph, input) : new Set(graph.ids());
  const excluded = input.exclude && input.exclude.length > 0 ? evaluate(input.exclude, graph, input) : new Set<string>();
  if (input.indirectTests) {
    for (const id of graph.ids()) {
      const node = graph.manifest.nodes[id];
      if (!node || (node.resource_type !== 'test' && node.resource_type !== 'unit_test') || selected.has(id)) continue;
      const parents = node.depends_on.nodes;
      if (parents.length > 0 && parents.some((parent) => selected.has(parent) && !excluded.has(parent))) selected.add(id);
    }
  }
  const types = new Set(input.resourceTypes);
  const kept = [...selected].filter((id: string) => !excluded.has(id) && types.has(graph.member(id)?.resource_type as SelectableType));
  return graph.topologicalOrder(kept);
}
