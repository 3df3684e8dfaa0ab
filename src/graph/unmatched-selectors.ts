import { KpiError, closestMatch } from '../errors.js';
import type { GraphMember, ManifestNode, SourceDefinition } from '../manifest/types.js';
import type { DependencyGraph } from './dependency-graph.js';
import { methodMatches } from './select-nodes.js';
import { parseSelector, type SelectorAtom } from './selector.js';

/** Methods whose value names something in the project; a value that names nothing is a typo. */
const NAMING_METHODS = new Set(['fqn', 'tag', 'path', 'file', 'config', 'resource_type', 'source', 'test_type', 'test_name', 'package', 'unit_test', 'exposure']);

const RESOURCE_TYPES = ['model', 'seed', 'snapshot', 'test', 'unit_test', 'source', 'analysis', 'operation', 'exposure'];
const TEST_TYPES = ['generic', 'singular', 'unit', 'data'];

function configValue(member: GraphMember, path: readonly string[]): unknown {
  return path.reduce<unknown>((current, key) => (current == null ? undefined : (current as Record<string, unknown>)[key]), member.config);
}

/** What the project has for a method to name: the pool a suggestion is drawn from. */
function candidates(atom: SelectorAtom, members: readonly GraphMember[]): string[] {
  const all = new Set<string>();
  for (const member of members) {
    const node = member.resource_type === 'source' || member.resource_type === 'exposure' ? null : (member as ManifestNode);
    switch (atom.method) {
      case 'fqn':
      case 'wildcard':
        if (node) all.add(member.name);
        break;
      case 'unit_test':
        if (node?.resource_type === 'unit_test') all.add(member.name);
        break;
      case 'tag':
        for (const tag of node ? node.config.tags : member.tags) all.add(tag);
        break;
      case 'path': {
        const parts = member.original_file_path.split('/');
        for (let end = 1; end <= parts.length; end++) all.add(parts.slice(0, end).join('/'));
        break;
      }
      case 'file':
        all.add(member.original_file_path.split('/').pop() ?? '');
        break;
      case 'source':
        if (member.resource_type === 'source') {
          const source = member as SourceDefinition;
          all.add(source.source_name);
          all.add(`${source.source_name}.${member.name}`);
        }
        break;
      case 'package':
        all.add(member.package_name);
        break;
      case 'exposure':
        if (member.resource_type === 'exposure') all.add(member.name);
        break;
      case 'group':
        if (node?.group) all.add(node.group);
        break;
      case 'test_name':
        if (node?.test_metadata) all.add(node.test_metadata.name);
        break;
      case 'config': {
        const value = configValue(member, atom.methodArgs);
        for (const item of Array.isArray(value) ? value : [value]) if (item !== null && item !== undefined && typeof item !== 'object') all.add(String(item));
        break;
      }
    }
  }
  if (atom.method === 'resource_type') return RESOURCE_TYPES;
  if (atom.method === 'test_type') return TEST_TYPES;
  return [...all].filter((value) => value.length > 0).sort();
}

/**
 * A selector whose method names something the project does not have (`-s fact_kpi_dialy`,
 * `tag:nightlly`) is a usage error with "did you mean", as a scheduler must not report a
 * typo as a successful empty run. A selector that matches something, but nothing of the
 * command's resource types, is a valid empty selection (the caller warns, as dbt does).
 */
export function assertSelectorsMatch(graph: DependencyGraph, args: readonly string[] | undefined, flag: string): void {
  const words = args?.filter((arg) => arg.trim().length > 0) ?? [];
  if (words.length === 0) return;
  const members = graph
    .ids()
    .map((id) => graph.member(id))
    .filter((member): member is GraphMember => member !== undefined);
  for (const atom of parseSelector(words).flat()) {
    if (!NAMING_METHODS.has(atom.method)) continue;
    if (members.some((member) => methodMatches(atom, member, { resourceTypes: [] }))) continue;
    const suggestion = closestMatch(atom.value, candidates(atom, members));
    const named = atom.method === 'fqn' ? 'a node' : `a ${atom.method}${atom.methodArgs.length > 0 ? `.${atom.methodArgs.join('.')}` : ''}`;
    throw new KpiError('KPI_SELECTOR_INVALID', `'${atom.text}' (in ${flag}) names ${named} that is not in the project.${suggestion ? ` Did you mean '${suggestion}'?` : ''}`, {
      hint: `kpi ls lists what the project has${atom.method === 'fqn' ? '' : `; kpi ls --output json shows each node's ${atom.method}`}`,
    });
  }
}
