import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigStrings, type ConfigRenderContext } from './render-config.js';
import type { Diagnostics } from '../support/diagnostics.js';
import { readYamlFile, type YamlFile } from './yaml-file.js';
import type { SourceLocation } from '../errors.js';

/** The files a project lists its packages in, as dbt reads them. */
export const PACKAGE_FILES = ['packages.yml', 'dependencies.yml'] as const;

/** One entry of `packages:`. Only `local` can be installed here; the others must already be vendored. */
export type PackageSpec =
  | { kind: 'local'; path: string; location: SourceLocation }
  | { kind: 'hub'; package: string; version: unknown; location: SourceLocation }
  | { kind: 'git'; url: string; revision: string | null; subdirectory: string | null; location: SourceLocation }
  | { kind: 'tarball'; url: string; name: string | null; location: SourceLocation };

const KINDS = ['local', 'package', 'git', 'tarball', 'private'] as const;

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

/**
 * The packages a project lists in packages.yml (or dependencies.yml), checked entry by entry.
 * `{{ env_var(...) }}` in values is rendered, as dbt does (git tokens live there).
 */
export function readPackageSpecs(projectDir: string, diagnostics: Diagnostics, context: ConfigRenderContext, displayDir = ''): PackageSpec[] {
  const present = PACKAGE_FILES.filter((name) => existsSync(join(projectDir, name)));
  const withPackages: Array<{ file: YamlFile; entries: unknown }> = [];
  for (const name of present) {
    const file = readYamlFile(join(projectDir, name), displayDir ? `${displayDir}/${name}` : name);
    const data = (file.data ?? {}) as Record<string, unknown>;
    if (typeof data !== 'object' || Array.isArray(data)) {
      diagnostics.error('KPI_PACKAGE_INVALID', `${file.file} must be a mapping with a 'packages:' list`, { file: file.file, line: 1 });
      continue;
    }
    if (data.packages !== undefined && data.packages !== null) withPackages.push({ file, entries: renderConfigStrings(data.packages, context, file, new Set(), ['packages']) });
  }
  if (withPackages.length > 1) {
    diagnostics.error('KPI_PACKAGE_INVALID', 'packages are listed in both packages.yml and dependencies.yml', { file: withPackages[1].file.file }, 'keep the packages: list in one of them, as dbt requires');
    return [];
  }
  const [listing] = withPackages;
  if (!listing) return [];
  const { file, entries } = listing;
  if (!Array.isArray(entries)) {
    diagnostics.error('KPI_PACKAGE_INVALID', "'packages' must be a list of packages", file.locate(['packages']));
    return [];
  }
  const specs: PackageSpec[] = [];
  entries.forEach((entry, index) => {
    const location = file.locate(['packages', index]);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      diagnostics.error('KPI_PACKAGE_INVALID', `packages[${index}] must be a mapping such as {local: ../my_package}`, location);
      return;
    }
    const values = entry as Record<string, unknown>;
    const kinds = KINDS.filter((kind) => kind in values);
    if (kinds.length !== 1) {
      diagnostics.error('KPI_PACKAGE_INVALID', `packages[${index}] must have exactly one of ${KINDS.join(', ')}`, location);
      return;
    }
    const [kind] = kinds;
    const text = (key: string) => (values[key] === undefined || values[key] === null ? null : String(values[key]));
    const value = text(kind);
    if (!value) {
      diagnostics.error('KPI_PACKAGE_INVALID', `packages[${index}].${kind} is empty`, file.locate(['packages', index, kind]));
      return;
    }
    if (kind === 'local') specs.push({ kind: 'local', path: value, location });
    else if (kind === 'package') specs.push({ kind: 'hub', package: value, version: values.version ?? null, location });
    else if (kind === 'tarball') specs.push({ kind: 'tarball', url: value, name: text('name'), location });
    else specs.push({ kind: 'git', url: value, revision: text('revision'), subdirectory: text('subdirectory'), location });
  });
  return specs;
}
