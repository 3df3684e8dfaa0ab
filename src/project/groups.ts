import type { YamlPath } from '../config/yaml-file.js';
import type { YamlReader } from '../config/yaml-reader.js';
import type { GroupDefinition, Manifest, ResourceOwner } from '../manifest/types.js';
import { describeValue } from '../support/describe-value.js';
import type { Diagnostics } from '../support/diagnostics.js';
import { isPlainObject } from '../support/is-plain-object.js';
import type { KeyPolicy } from '../support/key-policy.js';
import type { SourceLocation } from '../errors.js';

/** A `groups:` entry as written, before it joins the manifest under its package. */
export interface GroupDeclaration {
  name: string;
  owner: ResourceOwner;
  description: string | null;
  meta: Record<string, unknown>;
  file: string;
  location: SourceLocation;
}

const GROUP_KEYS: KeyPolicy = { known: ['name', 'owner', 'description', 'config'], tolerated: ['meta'], unknown: 'warn', noun: 'property' };
const GROUP_CONFIG_KEYS: KeyPolicy = { known: ['meta'], unknown: 'warn' };
const OWNER_KEYS: KeyPolicy = { known: ['name', 'email'], unknown: 'warn', noun: 'property' };

/**
 * An `owner:` of a group or an exposure, as dbt requires it: a mapping with a name or an
 * email (dbt keeps other keys, and so does kpi).
 */
export function readOwner(reader: YamlReader, value: unknown, path: YamlPath): ResourceOwner | null {
  if (!isPlainObject(value)) return reader.fail(path, `must be a mapping with a name or an email, got ${describeValue(value)}`);
  reader.checkKeys(value, OWNER_KEYS, path);
  const name = typeof value.name === 'string' && value.name.trim() ? value.name : null;
  const email = typeof value.email === 'string' && value.email.trim() ? value.email : null;
  if (!name && !email) return reader.fail(path, 'needs a name or an email');
  return { ...value, name, email };
}

/** A property file's `groups:` list, each entry checked at its position. */
export function readGroups(reader: YamlReader, value: unknown, into: GroupDeclaration[]): void {
  reader.list(value, ['groups'], 'groups with a name and an owner').forEach((item, index) => {
    const path = ['groups', index];
    if (!isPlainObject(item) || typeof item.name !== 'string' || !item.name.trim()) {
      reader.fail(path, isPlainObject(item) ? 'needs a name' : `must be a mapping with a name and an owner, got ${describeValue(item)}`);
      return;
    }
    reader.checkKeys(item, GROUP_KEYS, path);
    const owner = readOwner(reader, item.owner, [...path, 'owner']);
    const config = reader.entry(item.config, [...path, 'config'], GROUP_CONFIG_KEYS, 'meta');
    if (!owner) return;
    into.push({
      name: item.name,
      owner,
      description: typeof item.description === 'string' ? item.description : null,
      meta: isPlainObject(config.meta) ? config.meta : isPlainObject(item.meta) ? item.meta : {},
      file: reader.file,
      location: reader.locate(path),
    });
  });
}

/** The packages' groups into `manifest.groups` (`group.<package>.<name>`); a name declared twice in a package is an error. */
export function addGroups(manifest: Manifest, packages: ReadonlyArray<{ packageName: string; groups: readonly GroupDeclaration[] }>, diagnostics: Diagnostics): void {
  for (const { packageName, groups } of packages) {
    for (const group of groups) {
      const uniqueId = `group.${packageName}.${group.name}`;
      const existing = manifest.groups[uniqueId];
      if (existing) {
        diagnostics.error('KPI_DUPLICATE_NODE', `two groups are named '${group.name}': ${existing.original_file_path} and ${group.file}`, group.location, 'rename one of them');
        continue;
      }
      manifest.groups[uniqueId] = {
        unique_id: uniqueId,
        resource_type: 'group',
        name: group.name,
        package_name: packageName,
        path: group.file,
        original_file_path: group.file,
        owner: group.owner,
        description: group.description,
        config: { meta: group.meta },
      };
    }
  }
}

export function groupNames(manifest: Manifest): string[] {
  return [...new Set(Object.values(manifest.groups).map((group: GroupDefinition) => group.name))].sort();
}
