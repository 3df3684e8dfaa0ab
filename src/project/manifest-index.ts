import { pickByPackage, pickVersion } from './resolve-ref.js';
import type { Manifest, ManifestNode, SourceDefinition } from '../manifest/types.js';

const REFERABLE = new Set(['model', 'seed', 'snapshot']);

/** Name lookups over a manifest, built once per invocation instead of a scan per ref. */
export class ManifestIndex {
  private readonly byName = new Map<string, ManifestNode[]>();
  private readonly sources = new Map<string, SourceDefinition[]>();

  constructor(readonly manifest: Manifest) {
    for (const node of Object.values(manifest.nodes)) {
      if (!REFERABLE.has(node.resource_type)) continue;
      const list = this.byName.get(node.name);
      if (list) list.push(node);
      else this.byName.set(node.name, [node]);
    }
    for (const source of Object.values(manifest.sources)) {
      const key = `${source.source_name}\u0000${source.name}`;
      const list = this.sources.get(key);
      if (list) list.push(source);
      else this.sources.set(key, [source]);
    }
  }

  private get rootPackage(): string {
    return this.manifest.metadata.project_name;
  }

  /**
   * The model, seed or snapshot `ref(name)` / `ref(package, name)` means for a node of
   * `callingPackage` (the root project when not given), in dbt's package order.
   */
  ref(name: string, packageName: string | null, callingPackage: string = this.rootPackage, version: string | number | null = null): ManifestNode | undefined {
    return pickByPackage(pickVersion(this.byName.get(name), version), packageName, callingPackage, this.rootPackage);
  }

  source(sourceName: string, tableName: string, callingPackage: string = this.rootPackage): SourceDefinition | undefined {
    return pickByPackage(this.sources.get(`${sourceName}\u0000${tableName}`), null, callingPackage, this.rootPackage);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}
