import { loadProjectFile } from '../config/project-file.js';
import { Diagnostics } from '../support/diagnostics.js';
import { parseCliVars } from '../template/vars.js';
import type { LoadOptions } from '../config/load-project.js';
import { installPackages, type InstallReport } from '../packages/install-packages.js';

/**
 * `kpi deps`: install the packages packages.yml lists into the packages-install-path. Needs
 * no profile or database: only the project file and the packages.
 */
export function deps(options: Pick<LoadOptions, 'projectDir' | 'vars' | 'env'> = {}): InstallReport[] {
  const env = options.env ?? process.env;
  const cliVars = typeof options.vars === 'string' ? parseCliVars(options.vars) : (options.vars ?? {});
  const diagnostics = new Diagnostics();
  const secrets = new Set<string>();
  const config = loadProjectFile(options.projectDir ?? process.cwd(), diagnostics, { env, cliVars, secrets });
  diagnostics.throwIfErrors();
  return installPackages(config, { env, cliVars, secrets });
}
