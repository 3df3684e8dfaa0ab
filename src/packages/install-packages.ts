import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { Diagnostics } from '../support/diagnostics.js';
import type { ProjectConfig } from '../config/project-file.js';
import type { ConfigRenderContext } from '../config/render-config.js';
import { describeSpec, gitRemoteOf, isVendoredAs, readPackageSpecs, type PackageSpec } from '../config/package-specs.js';
import { projectNameIn, vendoringHint } from '../config/load-packages.js';

export interface InstallReport {
  name: string;
  /** The packages.yml entry, as written. */
  spec: string;
  /** `installed`: copied from a local path; `vendored`: already in the install path (git, hub, tarball). */
  action: 'installed' | 'vendored';
  /** Where it is, relative to the project. */
  path: string;
}

/** Folders of a local package that are its own build output or caches, not the package. */
const NOT_COPIED = new Set(['.git', 'target', 'logs', 'dbt_packages', 'dbt_modules', '.kpi', 'node_modules']);

function isTopLevelOutput(source: string, path: string): boolean {
  const inside = relative(source, path);
  return inside !== '' && !inside.includes('/') && !inside.includes('\\') && NOT_COPIED.has(basename(path));
}

function isInside(path: string, dir: string): boolean {
  const inside = relative(dir, path);
  return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside));
}

/**
 * `kpi deps`: copy each `local:` package (and the local packages it lists in turn) into the
 * install path, as dbt deps installs them; keep git, hub and tarball packages that are already
 * there (vendored), and fail with what to do for those that are not — there is no download.
 * Other folders in the install path are left alone.
 */
export function installPackages(root: ProjectConfig, context: Omit<ConfigRenderContext, 'projectVars'>): InstallReport[] {
  const diagnostics = new Diagnostics();
  const installDir = resolve(root.projectDir, root.packagesInstallPath);
  const reports: InstallReport[] = [];
  const queue: Array<{ spec: PackageSpec; baseDir: string }> = readPackageSpecs(root.projectDir, diagnostics, { ...context, projectVars: root.vars }).map((spec) => ({
    spec,
    baseDir: root.projectDir,
  }));
  diagnostics.throwIfErrors();
  const done = new Set<string>();
  const installedNames = () => (existsSync(installDir) ? readdirSync(installDir).map((entry) => ({ entry, name: projectNameIn(join(installDir, entry), context) })) : []);

  while (queue.length > 0) {
    const { spec, baseDir } = queue.shift()!;
    if (spec.kind === 'local') {
      const source = isAbsolute(spec.path) ? spec.path : resolve(baseDir, spec.path);
      const name = projectNameIn(source, context);
      if (name === null) {
        diagnostics.error('KPI_PACKAGE_INVALID', `local package ${spec.path} has no dbt_project.yml (or kpi_project.yml) at ${source}`, spec.location);
        continue;
      }
      if (name === root.name || done.has(name)) continue;
      done.add(name);
      const target = join(installDir, name);
      if (resolve(source) !== resolve(target)) {
        mkdirSync(installDir, { recursive: true });
        rmSync(target, { recursive: true, force: true });
        // A package's integration_tests/ project lists the package as `local: ../`, which holds
        // the install path itself: a copy would contain itself, so it is linked, as dbt deps
        // links every local package.
        if (isInside(target, source)) symlinkSync(relative(installDir, source) || '.', target, 'dir');
        else cpSync(source, target, { recursive: true, dereference: true, filter: (path) => !isTopLevelOutput(source, path) });
      }
      reports.push({ name, spec: describeSpec(spec), action: 'installed', path: relative(root.projectDir, target) });
      // The package's own packages.yml, with its local paths read from where the package came from.
      for (const inner of readPackageSpecs(source, diagnostics, { ...context, projectVars: {} }, relative(root.projectDir, source))) queue.push({ spec: inner, baseDir: source });
      continue;
    }
    const present = installedNames().find((entry) => entry.name !== null && isVendoredAs(spec, { name: entry.name, folder: entry.entry, remote: gitRemoteOf(join(installDir, entry.entry)) }));
    if (present?.name) {
      if (!done.has(present.name)) reports.push({ name: present.name, spec: describeSpec(spec), action: 'vendored', path: relative(root.projectDir, join(installDir, present.entry)) });
      done.add(present.name);
      continue;
    }
    diagnostics.error(
      'KPI_PACKAGE_UNAVAILABLE',
      `cannot install ${describeSpec(spec)}: kpi does not download git, hub or tarball packages (there is no network access here)`,
      spec.location,
      vendoringHint(root, spec),
    );
  }
  diagnostics.throwIfErrors();
  return reports;
}
