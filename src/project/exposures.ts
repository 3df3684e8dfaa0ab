import type { YamlReader } from '../config/yaml-reader.js';
import { closestMatch, type SourceLocation } from '../errors.js';
import type { ExposureDefinition, ExposureType, Manifest, NodeRef, ResourceOwner } from '../manifest/types.js';
import { describeValue } from '../support/describe-value.js';
import type { Diagnostics } from '../support/diagnostics.js';
import { isPlainObject } from '../support/is-plain-object.js';
import type { KeyPolicy } from '../support/key-policy.js';
import type { DiscoveredFile } from './discover-files.js';
import { readOwner } from './groups.js';
import { ManifestIndex } from './manifest-index.js';
import { parseConstraintTarget } from './read-constraints.js';

/** An `exposures:` entry as written, before its depends_on are resolved. */
export interface ExposureDeclaration {
  name: string;
  type: ExposureType;
  owner: ResourceOwner;
  description: string;
  label: string | null;
  maturity: ExposureDefinition['maturity'];
  url: string | null;
  meta: Record<string, unknown>;
  tags: string[];
  config: Record<string, unknown>;
  dependsOn: Array<{ text: string; location: SourceLocation }>;
  file: string;
  /** The property file relative to its resource folder: the exposure's path, and its fqn's folders. */
  pathInFolder: string;
  location: SourceLocation;
}

export const EXPOSURE_TYPES: readonly ExposureType[] = ['dashboard', 'notebook', 'analysis', 'ml', 'application'];
const MATURITIES = ['high', 'medium', 'low'] as const;
const EXPOSURE_KEYS: KeyPolicy = {
  known: ['name', 'type', 'owner', 'description', 'label', 'maturity', 'url', 'depends_on', 'meta', 'tags', 'config'],
  unknown: 'warn',
  noun: 'property',
};
const EXPOSURE_CONFIG_KEYS: KeyPolicy = { known: ['enabled', 'tags', 'meta'], unknown: 'warn', noun: 'config' };
const METRIC = /^metric\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]+)\3\s*)?\)$/;

const strings = (value: unknown): string[] => (value === undefined || value === null ? [] : (Array.isArray(value) ? value : [value]).map(String));

function oneOf<T extends string>(reader: YamlReader, value: unknown, path: Array<string | number>, allowed: readonly T[]): T | null {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const match = typeof value === 'string' ? closestMatch(value, allowed) : undefined;
  return reader.failAt(
    reader.locate(path),
    `${reader.subject(path)} must be one of ${allowed.join(', ')}, got ${describeValue(value)}${match ? `. Did you mean '${match}'?` : ''}`,
    undefined,
    'KPI_EXPOSURE_INVALID',
  );
}

/** A property file's `exposures:` list, each entry checked as dbt's schema checks it, at its position. */
export function readExposures(reader: YamlReader, value: unknown, file: DiscoveredFile, into: ExposureDeclaration[]): void {
  reader.list(value, ['exposures'], 'exposures with a name, a type and an owner').forEach((item, index) => {
    const path = ['exposures', index];
    if (!isPlainObject(item) || typeof item.name !== 'string' || !item.name.trim()) {
      reader.failAt(
        reader.locate(path),
        `${reader.subject(path)} ${isPlainObject(item) ? 'needs a name' : `must be a mapping with a name, got ${describeValue(item)}`}`,
        undefined,
        'KPI_EXPOSURE_INVALID',
      );
      return;
    }
    reader.checkKeys(item, EXPOSURE_KEYS, path);
    // dbt warns (a deprecation) rather than fails on such names; `label` is the place for a display name.
    if (!/^[\w-]+$/.test(item.name)) {
      reader.warnAt(reader.locate([...path, 'name']), `exposure '${item.name}': a name should hold only letters, digits and underscores; put the display name in label:`, 'KPI_EXPOSURE_INVALID');
    }
    const type =
      item.type === undefined
        ? reader.failAt(reader.locate(path), `exposure '${item.name}' needs a type (${EXPOSURE_TYPES.join(', ')})`, undefined, 'KPI_EXPOSURE_INVALID')
        : oneOf(reader, item.type, [...path, 'type'], EXPOSURE_TYPES);
    const owner =
      item.owner === undefined
        ? reader.failAt(reader.locate(path), `exposure '${item.name}' needs an owner (a name or an email)`, undefined, 'KPI_EXPOSURE_INVALID')
        : readOwner(reader, item.owner, [...path, 'owner']);
    const maturity = item.maturity === undefined || item.maturity === null ? null : oneOf(reader, item.maturity, [...path, 'maturity'], MATURITIES);
    const config = reader.entry(item.config, [...path, 'config'], EXPOSURE_CONFIG_KEYS, 'configs');
    const dependsOn = reader.list(item.depends_on, [...path, 'depends_on'], "ref('model'), source('source', 'table') or metric('metric') entries").flatMap((entry, entryIndex) => {
      const entryPath = [...path, 'depends_on', entryIndex];
      if (typeof entry === 'string') return [{ text: entry.trim(), location: reader.locate(entryPath) }];
      reader.failAt(
        reader.locate(entryPath),
        `${reader.subject(entryPath)} must be ref('model'), source('source', 'table') or metric('metric'), got ${describeValue(entry)}`,
        undefined,
        'KPI_EXPOSURE_INVALID',
      );
      return [];
    });
    if (!type || !owner) return;
    const meta = { ...(isPlainObject(item.meta) ? item.meta : {}), ...(isPlainObject(config.meta) ? config.meta : {}) };
    const tags = [...new Set([...strings(item.tags), ...strings(config.tags)])];
    into.push({
      name: item.name,
      type,
      owner,
      description: typeof item.description === 'string' ? item.description : '',
      label: typeof item.label === 'string' ? item.label : null,
      maturity,
      url: typeof item.url === 'string' ? item.url : null,
      meta,
      tags,
      config: { ...config, enabled: config.enabled === undefined ? true : Boolean(config.enabled), tags, meta },
      dependsOn,
      file: reader.file,
      pathInFolder: file.pathInFolder,
      location: reader.locate(path),
    });
  });
}

/**
 * The packages' exposures into `manifest.exposures`, their depends_on resolved as dbt
 * resolves an exposure's refs (the exposure's package first). A ref or source that names
 * nothing is an error at its position; `metric()` is a warning, as kpi has no metrics.
 */
export function addExposures(manifest: Manifest, packages: ReadonlyArray<{ packageName: string; exposures: readonly ExposureDeclaration[] }>, diagnostics: Diagnostics): void {
  const index = new ManifestIndex(manifest);
  const disabled = new Set(
    Object.values(manifest.disabled)
      .flat()
      .map((node) => node.name),
  );
  for (const { packageName, exposures } of packages) {
    for (const declaration of exposures) {
      if (declaration.config.enabled === false) continue;
      const uniqueId = `exposure.${packageName}.${declaration.name}`;
      if (manifest.exposures[uniqueId]) {
        diagnostics.error(
          'KPI_DUPLICATE_NODE',
          `two exposures are named '${declaration.name}': ${manifest.exposures[uniqueId].original_file_path} and ${declaration.file}`,
          declaration.location,
          'rename one of them',
        );
        continue;
      }
      const refs: NodeRef[] = [];
      const sources: Array<[string, string]> = [];
      const nodes: string[] = [];
      const what = `exposure '${declaration.name}'`;
      for (const { text, location } of declaration.dependsOn) {
        const metric = METRIC.exec(text);
        if (metric) {
          diagnostics.warn('KPI_RESOURCE_UNSUPPORTED', `${what} depends on ${text}: kpi does not support metrics yet; the dependency is skipped`, location);
          continue;
        }
        const target = parseConstraintTarget(text);
        if (!target) {
          diagnostics.error('KPI_EXPOSURE_INVALID', `${what}: depends_on entries are ref('model'), source('source', 'table') or metric('metric'), got ${JSON.stringify(text)}`, location);
          continue;
        }
        if (target.kind === 'source') {
          sources.push([target.source, target.table]);
          const source = index.source(target.source, target.table, packageName);
          if (source) {
            if (!nodes.includes(source.unique_id)) nodes.push(source.unique_id);
            continue;
          }
          const candidates = Object.values(manifest.sources).map((candidate) => `${candidate.source_name}.${candidate.name}`);
          const match = closestMatch(`${target.source}.${target.table}`, candidates);
          diagnostics.error(
            'KPI_SOURCE_NOT_FOUND',
            `${what} depends on source('${target.source}', '${target.table}'), which no sources: entry declares.${match ? ` Did you mean '${match}'?` : ''}`,
            location,
          );
          continue;
        }
        refs.push({ name: target.name, package: target.package, version: target.version });
        const node = index.ref(target.name, target.package, packageName, target.version);
        if (node) {
          if (!nodes.includes(node.unique_id)) nodes.push(node.unique_id);
          continue;
        }
        if (disabled.has(target.name)) {
          diagnostics.error('KPI_REF_NOT_FOUND', `${what} depends on '${target.name}', which is disabled`, location, `enable '${target.name}' or remove it from depends_on`);
          continue;
        }
        const match = closestMatch(target.name, index.names());
        const where = target.package ? ` in package '${target.package}'` : '';
        diagnostics.error('KPI_REF_NOT_FOUND', `${what} depends on '${target.name}'${where}, which does not exist.${match && match !== target.name ? ` Did you mean '${match}'?` : ''}`, location);
      }
      const folders = declaration.pathInFolder.split('/').slice(0, -1);
      manifest.exposures[uniqueId] = {
        unique_id: uniqueId,
        resource_type: 'exposure',
        name: declaration.name,
        package_name: packageName,
        path: declaration.pathInFolder,
        original_file_path: declaration.file,
        fqn: [packageName, ...folders, declaration.name],
        type: declaration.type,
        owner: declaration.owner,
        description: declaration.description,
        label: declaration.label,
        maturity: declaration.maturity,
        url: declaration.url,
        meta: declaration.meta,
        tags: declaration.tags,
        config: declaration.config as ExposureDefinition['config'],
        unrendered_config: {},
        depends_on: { nodes, macros: [] },
        refs,
        sources,
        metrics: [],
        created_at: 0,
      };
    }
  }
}
