import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigStrings, type ConfigRenderContext } from './render-config.js';
import { describeValue } from '../support/describe-value.js';
import type { Diagnostics } from '../support/diagnostics.js';
import { isPlainObject } from '../support/is-plain-object.js';
import type { KeyPolicy } from '../support/key-policy.js';
import type { YamlFile } from './yaml-file.js';
import { readYamlWith, type YamlCache } from './yaml-cache.js';
import { YamlReader } from './yaml-reader.js';
import { KpiError, type SourceLocation } from '../errors.js';

/** The files a project lists its packages in, as dbt reads them. */
export const PACKAGE_FILES = ['packages.yml', 'dependencies.yml'] as const;

/** One entry of `packages:`. Only `local` can be installed here; the others must already be vendored. */
export type PackageSpec =
  | { kind: 'local'; path: string; location: SourceLocation }
  | { kind: 'hub'; package: string; version: unknown; location: SourceLocation }
  | { kind: 'git'; url: string; revision: string | null; subdirectory: string | null; location: SourceLocation }
  | { kind: 'tarball'; url: string; name: string | null; location: SourceLocation };

const KINDS = ['local', 'package', 'git', 'tarball', 'private'] as const;

/** `projects:` is dbt Mesh's list in dependencies.yml: cross-project refs, which kpi does not resolve. */
const FILE_KEYS: KeyPolicy<'packages'> = { known: ['packages'], tolerated: ['projects'], unknown: 'warn' };

/** The keys of an entry, by its kind: a misspelt `revison` would silently install the default branch. */
const ENTRY_KEYS: Record<(typeof KINDS)[number], KeyPolicy> = {
  local: { known: ['local'], unknown: 'warn' },
  package: { known: ['package', 'version'], tolerated: ['install-prerelease'], unknown: 'warn' },
  git: { known: ['git', 'revision', 'subdirectory'], tolerated: ['warn-unpinned'], unknown: 'warn' },
  tarball: { known: ['tarball', 'name'], unknown: 'warn' },
  private: { known: ['private', 'revision', 'subdirectory'], tolerated: ['provider', 'warn-unpinned'], unknown: 'warn' },
};

/** How an entry reads in packages.yml, for messages. */
export function describeSpec(spec: PackageSpec): string {
  switch (spec.kind) {
    case 'local':
      return `local: ${spec.path}`;
    case 'hub':
      return `package: ${spec.package}`;
    case 'git':
      return `git: ${spec.url}`;
    default:
      return `tarball: ${spec.url}`;
  }
}

/**
 * The name a remote package will have once installed (its project name), as far as the
 * entry tells: the hub package's last part, the tarball's `name`, the git repository's (or
 * subdirectory's) last part. dbt-utils' repository is dbt-utils and its project dbt_utils,
 * so names compare with `-` and `_` alike.
 */
export function expectedName(spec: PackageSpec): string | null {
  switch (spec.kind) {
    case 'hub':
      return spec.package.split('/').pop() ?? null;
    case 'tarball':
      return spec.name;
    case 'git': {
      const last = (spec.subdirectory ?? spec.url).replace(/\/+$/, '').split(/[/:]/).pop() ?? '';
      return last.replace(/\.git$/, '') || null;
    }
    default:
      return null;
  }
}

export function sameName(a: string, b: string): boolean {
  const normalize = (name: string) => name.toLowerCase().replace(/-/g, '_');
  return normalize(a) === normalize(b);
}

/** A package vendored in the install path: its project name and its folder's name. */
export interface VendoredPackage {
  name: string;
  folder: string;
  /** The remote of a git checkout vendored with its .git folder, when there is one. */
  remote?: string | null;
}

function sameRemote(a: string, b: string): boolean {
  const normalize = (url: string) =>
    url
      .toLowerCase()
      .replace(/^[a-z+]+:\/\/(?:[^@/]*@)?|^[^@]+@/, '')
      .replace(':', '/')
      .replace(/\.git\/?$|\/+$/, '');
  return normalize(a) === normalize(b);
}

/**
 * Whether a vendored package is the one a git, hub or tarball entry names. dbt learns a
 * remote package's name from its dbt_project.yml after downloading it; with no download,
 * the entry is matched by the name it implies (`expectedName`), that name without the
 * `dbt-` repository prefix (`dbt-audit-helper.git` holds `audit_helper`, `dbt-codegen`
 * holds `codegen`), the folder it was vendored in, or a vendored checkout's git remote.
 */
export function isVendoredAs(spec: PackageSpec, vendored: VendoredPackage): boolean {
  if (spec.kind === 'git' && vendored.remote && sameRemote(vendored.remote, spec.url)) return true;
  const wanted = expectedName(spec);
  if (wanted === null) return false;
  const unprefixed = wanted.replace(/^dbt[-_]/i, '');
  return sameName(vendored.name, wanted) || sameName(vendored.name, unprefixed) || sameName(vendored.folder, wanted);
}

/** The `url` of a vendored git checkout's `origin` (its .git/config), or null. */
export function gitRemoteOf(dir: string): string | null {
  const configPath = join(dir, '.git', 'config');
  if (!existsSync(configPath)) return null;
  const match = /\[remote "origin"\][^[]*?\burl\s*=\s*(\S+)/.exec(readFileSync(configPath, 'utf8'));
  return match ? match[1] : null;
}

/**
 * The packages a project lists in packages.yml (or dependencies.yml), checked entry by entry.
 * `{{ env_var(...) }}` in values is rendered, as dbt does (git tokens live there).
 */
export function readPackageSpecs(projectDir: string, diagnostics: Diagnostics, context: ConfigRenderContext, displayDir = '', yamlCache?: YamlCache): PackageSpec[] {
  const present = PACKAGE_FILES.filter((name) => existsSync(join(projectDir, name)));
  const withPackages: Array<{ reader: YamlReader; entries: unknown }> = [];
  for (const name of present) {
    let yaml: YamlFile;
    try {
      yaml = readYamlWith(yamlCache, join(projectDir, name), displayDir ? `${displayDir}/${name}` : name);
    } catch (error) {
      // A syntax error is reported with the rest, not thrown past them.
      if (!(error instanceof KpiError)) throw error;
      diagnostics.error(error.code, error.message, error.location, error.hint);
      continue;
    }
    const reader = new YamlReader(yaml, diagnostics, { invalid: 'KPI_PACKAGE_INVALID' });
    if (!isPlainObject(reader.yaml.data)) {
      reader.failAt({ file: reader.file, line: 1 }, `${reader.file} must be a mapping with a 'packages:' list, got ${describeValue(reader.yaml.data)}`);
      continue;
    }
    const data = reader.entry(reader.yaml.data, [], FILE_KEYS, 'packages');
    if (data.packages !== undefined && data.packages !== null) withPackages.push({ reader, entries: renderConfigStrings(data.packages, context, reader.yaml, new Set(), ['packages']) });
  }
  if (withPackages.length > 1) {
    diagnostics.error(
      'KPI_PACKAGE_INVALID',
      'packages are listed in both packages.yml and dependencies.yml',
      { file: withPackages[1].reader.file },
      'keep the packages: list in one of them, as dbt requires',
    );
    return [];
  }
  const [listing] = withPackages;
  if (!listing) return [];
  const { reader, entries } = listing;
  if (!Array.isArray(entries)) {
    reader.failAt(reader.locate(['packages']), "'packages' must be a list of packages");
    return [];
  }
  const specs: PackageSpec[] = [];
  entries.forEach((entry, index) => {
    const location = reader.locate(['packages', index]);
    if (!isPlainObject(entry)) {
      reader.failAt(location, `packages[${index}] must be a mapping such as {local: ../my_package}`);
      return;
    }
    const kinds = KINDS.filter((kind) => kind in entry);
    if (kinds.length !== 1) {
      reader.failAt(location, `packages[${index}] must have exactly one of ${KINDS.join(', ')}`);
      return;
    }
    const [kind] = kinds;
    reader.checkKeys(entry, ENTRY_KEYS[kind], ['packages', index]);
    const text = (key: string) => (entry[key] === undefined || entry[key] === null ? null : String(entry[key]));
    const value = text(kind);
    if (!value) {
      reader.failAt(reader.locate(['packages', index, kind]), `packages[${index}].${kind} is empty`);
      return;
    }
    if (kind === 'local') specs.push({ kind: 'local', path: value, location });
    else if (kind === 'package') specs.push({ kind: 'hub', package: value, version: entry.version ?? null, location });
    else if (kind === 'tarball') specs.push({ kind: 'tarball', url: value, name: text('name'), location });
    else specs.push({ kind: 'git', url: value, revision: text('revision'), subdirectory: text('subdirectory'), location });
  });
  return specs;
}
