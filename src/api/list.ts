import type { ResourceType } from '../manifest/types.js';
import { parse, select, type ProjectOptions, type SelectionOptions } from './project.js';

export type ListOutput = 'selector' | 'name' | 'path' | 'json';

export interface ListOptions extends ProjectOptions, SelectionOptions {
  resourceTypes?: ResourceType[];
  output?: ListOutput;
  outputKeys?: string[];
}

const ALL_TYPES: ResourceType[] = ['model', 'seed', 'test', 'unit_test', 'snapshot', 'source', 'analysis'];

/** `kpi ls`: the selected resources, one line each, without touching the database. */
export async function list(options: ListOptions = {}): Promise<string[]> {
  const parsed = await parse(options);
  const ids = select(parsed, options, options.resourceTypes?.length ? options.resourceTypes : ALL_TYPES, !options.resourceTypes?.length);
  const output = options.output ?? 'selector';
  return ids.map((id) => {
    const member = parsed.manifest.nodes[id] ?? parsed.manifest.sources[id];
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
        return member.resource_type === 'source' ? `source:${member.fqn.join('.')}` : member.fqn.join('.');
    }
  });
}
