import type { ModelVersionPatch, NodePatch } from './property-files.js';

interface Index {
  length: number;
  /** The first entry of each resource type and name, as `Array.find` over the entries gives it. */
  byName: Map<string, NodePatch>;
  /** The first model version defined in each file name (`defined_in`, or `<model>_v<v>`), in the entries' order. */
  byVersionFile: Map<string, { patch: NodePatch; version: ModelVersionPatch }>;
}

const indexes = new WeakMap<readonly NodePatch[], Index>();

/**
 * Property entries by name, built once a parse: every model file and every data test
 * looked its entry up with a scan of all entries, which grew with the square of the
 * project (10,000 models with an entry each: 10^8 comparisons). Rebuilt if entries are added.
 */
function indexOf(patches: readonly NodePatch[]): Index {
  let index = indexes.get(patches);
  if (index && index.length === patches.length) return index;
  index = { length: patches.length, byName: new Map(), byVersionFile: new Map() };
  for (const patch of patches) {
    const key = `${patch.resourceType}\u0000${patch.name}`;
    if (!index.byName.has(key)) index.byName.set(key, patch);
    if (patch.resourceType !== 'model') continue;
    for (const version of patch.versions) {
      const file = version.definedIn ?? `${patch.name}_v${version.v}`;
      if (!index.byVersionFile.has(file)) index.byVersionFile.set(file, { patch, version });
    }
  }
  indexes.set(patches, index);
  return index;
}

/** The property entry of a node of this resource type and name (the first, when several are written). */
export function findNodePatch(patches: readonly NodePatch[], resourceType: NodePatch['resourceType'], name: string): NodePatch | undefined {
  return indexOf(patches).byName.get(`${resourceType}\u0000${name}`);
}

/** The model version a file (its name without `.sql`) defines, with its model's entry. */
export function findVersionPatch(patches: readonly NodePatch[], fileName: string): { patch: NodePatch; version: ModelVersionPatch } | undefined {
  return indexOf(patches).byVersionFile.get(fileName);
}
