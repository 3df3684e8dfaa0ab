import { closestMatch } from '../../errors.js';
import type { Manifest, ManifestNode } from '../../manifest/types.js';
import { parseInput } from './parse-input.js';
import type { InputTarget } from './types.js';

export type ResolvedInput = { target: InputTarget } | { problem: string; hint?: string };

function describeReadable(manifest: Manifest, readable: ReadonlySet<string>): string {
  const names = [...readable].map((id) => {
    const source = manifest.sources[id];
    return source ? `source('${source.source_name}', '${source.name}')` : `ref('${manifest.nodes[id]?.name ?? id}')`;
  });
  return names.length > 0 ? names.join(', ') : 'nothing (it has no refs or sources)';
}

/**
 * What a `given` entry's `input:` stands for. It must be something the model reads
 * (`readable`): a fixture for anything else would silently never be used.
 */
export function resolveInput(manifest: Manifest, model: ManifestNode, input: string, readable: ReadonlySet<string>): ResolvedInput {
  const parsed = parseInput(input);
  if (!parsed) return { problem: `input '${input}' is not ref('name'), ref('package', 'name'), source('source', 'table') or this` };
  if (parsed.kind === 'this') return { target: { kind: 'this', uniqueId: model.unique_id } };
  const notRead = { problem: `model '${model.name}' does not read ${input}`, hint: `give only what the model reads: ${describeReadable(manifest, readable)}` };
  if (parsed.kind === 'source') {
    const sources = Object.values(manifest.sources);
    const source = sources.find((candidate) => candidate.source_name === parsed.sourceName && candidate.name === parsed.table);
    if (!source) {
      const match = closestMatch(
        `${parsed.sourceName}.${parsed.table}`,
        sources.map((candidate) => `${candidate.source_name}.${candidate.name}`),
      );
      return { problem: `${input} is not a declared source.${match ? ` Did you mean '${match}'?` : ''}` };
    }
    if (!readable.has(source.unique_id)) return notRead;
    return { target: { kind: 'source', sourceName: parsed.sourceName, table: parsed.table, uniqueId: source.unique_id } };
  }
  const candidates = Object.values(manifest.nodes).filter((node) => ['model', 'seed', 'snapshot'].includes(node.resource_type));
  const node = candidates.find((candidate) => candidate.name === parsed.name && (parsed.package === null || candidate.package_name === parsed.package));
  if (!node) {
    const match = closestMatch(
      parsed.name,
      candidates.map((candidate) => candidate.name),
    );
    return { problem: `${input} names no model, seed or snapshot.${match ? ` Did you mean '${match}'?` : ''}` };
  }
  if (!readable.has(node.unique_id)) return notRead;
  return { target: { kind: 'ref', name: node.name, uniqueId: node.unique_id } };
}
