import type { Manifest, ManifestNode } from '../../manifest/types.js';

/**
 * What a model reads, by unique id: its parents, and through each ephemeral parent (which
 * is inlined, so a unit test may give either it or what it reads) that parent's parents.
 */
export function readableInputs(manifest: Manifest, model: ManifestNode): Set<string> {
  const found = new Set<string>();
  const visit = (node: ManifestNode): void => {
    for (const parent of node.depends_on.nodes) {
      if (found.has(parent)) continue;
      found.add(parent);
      const parentNode = manifest.nodes[parent];
      if (parentNode?.resource_type === 'model' && parentNode.config.materialized === 'ephemeral') visit(parentNode);
    }
  };
  visit(model);
  return found;
}
