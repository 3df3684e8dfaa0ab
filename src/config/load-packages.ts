import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { Diagnostics } from '../support/diagnostics.js';
import { loadProjectFile, PROJECT_FILES, type ProjectConfig } from './project-file.js';
import type { ConfigRenderContext } from './render-config.js';
import { KpiError, type SourceLocation } from '../errors.js';
import type { YamlCache } from './yaml-cache.js';
import { describeSpec, expectedName, gitRemoteOf, isVendoredAs, readPackageSpecs, type PackageSpec } from './package-specs.js';

/** A package found in the project's packages-install-path (dbt_packages/), loaded as dbt loads it. */
export interface InstalledPackage {
  name: string;
  /** Its folder, relative to the root project (`dbt_packages/dbt_utils`). */
  dir: string;
  /** Its project file, with every resource path made relative to the root project, as discovery reads them. */
  config: ProjectConfig;
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function hasProjectFile(dir: string): boolean {
  return PROJECT_FILES.some((name) => existsSync(join(dir, name)));
}

function rebase(location: SourceLocation | undefined, dir: string): SourceLocation | undefined {
  return location ? { ...location, file: posix.join(dir, location.file) } : undefined;
}

/** A package's project file with its folders made relative to the root project. */
function rebaseConfig(config: ProjectConfig, dir: string, rootDir: string): ProjectConfig {
  const under = (paths: string[]) => paths.map((path) => posix.join(dir, toPosix(path)));
  return {
    ...config,
    projectDir: rootDir,
    projectFile: posix.join(dir, config.projectFile),
    modelPaths: under(config.modelPaths),
    seedPaths: under(config.seedPaths),
    macroPaths: under(config.macroPaths),
    testPaths: under(config.testPaths),
    snapshotPaths: under(config.snapshotPaths),
    analysisPaths: under(config.analysisPaths),
    docsPaths: under(config.docsPaths),
  };
}

/** The project name in the project file of `dir`, or null when there is none to read. */
export function projectNameIn(dir: string, context: Omit<ConfigRenderContext, 'projectVars'>): string | null {
  if (!hasProjectFile(dir)) return null;
  try {
    return loadProjectFile(dir, new Diagnostics(), context).name;
  } catch {
    return null;
  }
}

/**
 * Every package in the root project's packages-install-path, as dbt loads them (whether or
 * not packages.yml still lists them), and a check that each package packages.yml lists is
 * there: a missing one means `kpi deps` has not run (or, for git and hub packages, that the
 * package has not been vendored). Problems go to `diagnostics`; packages' own warnings (keys
 * dbt knows and kpi ignores) are not the user's to fix and are dropped.
 */
export function loadInstalledPackages(root: ProjectConfig, diagnostics: Diagnostics, context: Omit<ConfigRenderContext, 'projectVars'>, yamlCache?: YamlCache): InstalledPackage[] {
  const installDir = resolve(root.projectDir, root.packagesInstallPath);
  const packages: InstalledPackage[] = [];
  const entries = isDirectory(installDir) ? readdirSync(installDir).sort() : [];
  for (const entry of entries) {
    const absolute = join(installDir, entry);
    if (entry.startsWith('.') || !isDirectory(absolute) || !hasProjectFile(absolute)) continue;
    const dir = toPosix(relative(root.projectDir, absolute));
    const own = new Diagnostics();
    let config: ProjectConfig;
    try {
      config = loadProjectFile(absolute, own, context, [], yamlCache);
    } catch (error) {
      if (!(error instanceof KpiError)) throw error;
      diagnostics.error(error.code, error.message, rebase(error.location, dir), error.hint);
      continue;
    }
    for (const item of own.items) if (item.severity === 'error') diagnostics.error(item.code, item.message, rebase(item.location, dir), item.hint);
    const clash = config.name === root.name ? 'the root project' : packages.find((other) => other.name === config.name)?.dir;
    if (clash) {
      diagnostics.error(
        'KPI_PACKAGE_INVALID',
        `the package in ${dir} is named '${config.name}', as ${clash} is`,
        { file: posix.join(dir, config.projectFile) },
        'each package needs its own project name; remove the stale copy from the install path',
      );
      continue;
    }
    packages.push({ name: config.name, dir, config: rebaseConfig(config, dir, root.projectDir) });
  }
  checkListedPackages(root, packages, diagnostics, context, yamlCache);
  return packages;
}

function checkListedPackages(root: ProjectConfig, packages: readonly InstalledPackage[], diagnostics: Diagnostics, context: Omit<ConfigRenderContext, 'projectVars'>, yamlCache?: YamlCache): void {
  const specs = readPackageSpecs(root.projectDir, diagnostics, { ...context, projectVars: root.vars }, '', yamlCache);
  const accounted = new Set<string>();
  const unmatched: PackageSpec[] = [];
  for (const spec of specs) {
    if (spec.kind === 'local') {
      const source = isAbsolute(spec.path) ? spec.path : resolve(root.projectDir, spec.path);
      const name = projectNameIn(source, context);
      if (name === null) {
        diagnostics.error('KPI_PACKAGE_INVALID', `local package ${spec.path} has no dbt_project.yml (or kpi_project.yml) at ${source}`, spec.location);
        continue;
      }
      if (!packages.some((installed) => installed.name === name)) {
        diagnostics.error('KPI_PACKAGE_NOT_INSTALLED', `package '${name}' (${describeSpec(spec)}) is not installed in ${root.packagesInstallPath}/`, spec.location, 'run kpi deps');
      }
      accounted.add(name);
      continue;
    }
    const found = packages.find((installed) => isVendoredAs(spec, { name: installed.name, folder: posix.basename(installed.dir), remote: gitRemoteOf(resolve(root.projectDir, installed.dir)) }));
    if (found) accounted.add(found.name);
    else unmatched.push(spec);
  }
  // A git package may be named differently from its repository: count such vendored copies as it.
  const spare = packages.filter((installed) => !accounted.has(installed.name)).length;
  for (const spec of unmatched.slice(spare)) {
    diagnostics.error('KPI_PACKAGE_NOT_INSTALLED', `package ${describeSpec(spec)} is not in ${root.packagesInstallPath}/, and kpi cannot download packages`, spec.location, vendoringHint(root, spec));
  }
}

/** How to make a git, hub or tarball package available without a download. */
export function vendoringHint(root: ProjectConfig, spec: PackageSpec): string {
  const name = expectedName(spec) ?? '<package>';
  const source =
    spec.kind === 'git' ? `a checkout of ${spec.url}${spec.revision ? ` at ${spec.revision}` : ''}` : spec.kind === 'hub' ? `the ${spec.package} package's source` : 'the unpacked tarball';
  return `vendor it: copy ${source} into ${root.packagesInstallPath}/${name.replace(/-/g, '_')}/ (the folder holding its dbt_project.yml), or list it as {local: <path to a copy>} and run kpi deps`;
}
