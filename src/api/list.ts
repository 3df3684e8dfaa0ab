import type { SelectableType } from '../graph/select-nodes.js';
import type { GraphMember } from '../manifest/types.js';
import { parse, select, type ProjectOptions, type SelectionOptions } from './project.js';

export type ListOutput = 'selector' | 'name' | 'path' | 'json';

export interface ListOptions extends ProjectOptions, SelectionOptions {
  resourceTypes?: SelectableType[];
  output?: ListOutput;
  outputKeys?: string[];
}

const ALL_TYPES: SelectableType[] = ['model', 'seed', 'test', 'unit_test', 'snapshot', 'source', 'analysis', 'exposure'];

/** `kpi ls`: the selected resources, one line each, without touching the database. */
export async function list(options: ListOptions = {}): Promise<string[]> {
  const parsed = await parse(options);
  const ids = select(parsed, options, options.resourceTypes?.length ? options.resourceTypes : ALL_TYPES, !options.resourceTypes?.length);
  const output = options.output ?? 'selector';
  return ids.map((id) => {
    const member = (parsed.manifest.nodes[id] ?? parsed.manifest.sources[id] ?? parsed.manifest.exposures[id]) as GraphMember;
    switch (output) {
      case 'name':
        return member.name;
      case 'path':
        return member.original_file_path;
      case 'json': {
        const full = member as unknown as Record<string, unknown>;
        const keys = options.outputKeys?.length ? options.outputKeys : ['name', 'resource_type', 'package_name', 'original_file_path', 'unique_id', 'alias', 'config', 'tags', 'depends_on'];
        return JSON.stringify(Object.fromEntries(keys.filter((key) => key in full).map((key) => [key, full[key]])));
      }
      default:
        // As dbt ls prints them: sources and exposures with their type in front.
        return member.resource_type === 'source' || member.resource_type === 'exposure' ? `${member.resource_type}:${member.fqn.join('.')}` : member.fqn.join('.');
    }
  });
}
