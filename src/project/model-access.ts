import { closestMatch, type SourceLocation } from '../errors.js';
import type { ExposureDefinition, Manifest, ManifestNode, ModelAccess, TimeSpine } from '../manifest/types.js';
import { describeValue } from '../support/describe-value.js';
import type { Diagnostics } from '../support/diagnostics.js';
import { refLocation } from './build-manifest.js';
import { groupNames } from './groups.js';
import type { NodePatch } from './property-files.js';

const ACCESS: readonly ModelAccess[] = ['private', 'protected', 'public'];

export interface ModelAccessInput {
  /** Each package's model property entries: where `access`/`group` were written, and `time_spine:`. */
  packages: ReadonlyArray<{ packageName: string; patches: readonly NodePatch[]; restrictAccess: boolean }>;
  diagnostics: Diagnostics;
}

/**
 * dbt's model governance on a built manifest: every node's `group` and every model's
 * `access` (config, default protected) and `time_spine` promoted to node attributes as
 * dbt's manifest writes them; a group must be declared; and a ref may not reach a private
 * model from outside its group, nor a protected model of a `restrict-access` package from
 * another package. Exposures are checked as dbt checks them: they belong to no group.
 */
export function applyModelAccess(manifest: Manifest, input: ModelAccessInput): void {
  const { diagnostics } = input;
  const patchOf = new Map<string, NodePatch>();
  for (const { packageName, patches } of input.packages) {
    for (const patch of patches) if (patch.resourceType === 'model') patchOf.set(`${packageName}.${patch.name}`, patch);
  }
  const restricted = new Set(input.packages.filter((entry) => entry.restrictAccess).map((entry) => entry.packageName));
  const groups = groupNames(manifest);

  for (const node of Object.values(manifest.nodes)) {
    const patch = node.resource_type === 'model' ? patchOf.get(`${node.package_name}.${node.name}`) : undefined;
    const at = (key: string): SourceLocation => (patch && key in patch.config ? patch.configLocation(key) : { file: node.original_file_path });
    const group = node.config.group;
    node.group = typeof group === 'string' && group ? group : null;
    if (group !== undefined && group !== null && typeof group !== 'string') {
      diagnostics.error('KPI_CONFIG_INVALID', `'${node.name}': group must be the name of a group, got ${describeValue(group)}`, at('group'));
    }
    if (node.group && !groups.includes(node.group)) {
      const match = closestMatch(node.group, groups);
      diagnostics.error(
        'KPI_GROUP_NOT_FOUND',
        `'${node.name}' is in group '${node.group}', which no groups: entry declares (expected one of [${groups.map((name) => `'${name}'`).join(', ')}]).${match ? ` Did you mean '${match}'?` : ''}`,
        at('group'),
        'declare the group under groups: in a property file, with a name and an owner',
      );
    }
    if (node.resource_type !== 'model') continue;
    node.access = readAccess(node, diagnostics, at('access'));
    node.config.access = node.access;
    node.time_spine = timeSpine(patch);
  }
  // Tests belong to the group of the node they test, so a test of a private model may ref it.
  for (const node of Object.values(manifest.nodes)) {
    if (node.resource_type === 'test' && !node.group && node.attached_node) node.group = manifest.nodes[node.attached_node]?.group ?? null;
  }

  const referrers: Array<ManifestNode | ExposureDefinition> = [...Object.values(manifest.nodes).filter((node) => node.resource_type !== 'unit_test'), ...Object.values(manifest.exposures)];
  for (const referrer of referrers) {
    const referrerGroup = referrer.resource_type === 'exposure' ? null : (referrer.group ?? null);
    for (const parentId of referrer.depends_on.nodes) {
      const target = manifest.nodes[parentId];
      if (!target || target.resource_type !== 'model' || target.unique_id === referrer.unique_id) continue;
      const otherPackage = target.package_name !== referrer.package_name && restricted.has(target.package_name);
      // Where the ref is written, looked for only when it is reported (a regex over the file's text per edge).
      const location = (): SourceLocation => (referrer.resource_type === 'exposure' ? { file: referrer.original_file_path } : refLocation(referrer, target.name));
      if (target.access === 'private' && (!referrerGroup || referrerGroup !== target.group || otherPackage)) {
        diagnostics.error(
          'KPI_ACCESS_DENIED',
          `Node ${referrer.unique_id} attempted to reference node ${target.unique_id}, which is not allowed because the referenced node is private to the '${target.group ?? ''}' group.`,
          location(),
          `put '${referrer.name}' in group '${target.group ?? ''}', or make '${target.name}' protected or public`,
        );
      } else if (target.access === 'protected' && otherPackage) {
        diagnostics.error(
          'KPI_ACCESS_DENIED',
          `Node ${referrer.unique_id} attempted to reference node ${target.unique_id}, which is not allowed because the referenced node is protected to the '${target.package_name}' package.`,
          location(),
          `package '${target.package_name}' sets restrict-access: only its public models may be ref'd from other packages`,
        );
      }
    }
  }
}

function readAccess(node: ManifestNode, diagnostics: Diagnostics, location: SourceLocation): ModelAccess {
  const value = node.config.access;
  if (value === undefined || value === null) return 'protected';
  if (typeof value === 'string' && (ACCESS as readonly string[]).includes(value)) return value as ModelAccess;
  const match = typeof value === 'string' ? closestMatch(value, ACCESS) : undefined;
  diagnostics.error('KPI_CONFIG_INVALID', `'${node.name}': access must be private, protected or public, got ${describeValue(value)}.${match ? ` Did you mean '${match}'?` : ''}`, location);
  return 'protected';
}

function timeSpine(patch: NodePatch | undefined): TimeSpine | null {
  const spine = patch?.timeSpine;
  if (!spine) return null;
  return spine;
}
