import type { ProjectConfig } from '../config/project-file.js';
import type { Manifest } from '../manifest/types.js';
import type { Diagnostics } from '../support/diagnostics.js';
import { computeMaps } from './build-manifest.js';
import { addExposures } from './exposures.js';
import { addGroups } from './groups.js';
import { applyModelAccess } from './model-access.js';
import type { PropertyFiles } from './property-files.js';

/**
 * What dbt reads beside the nodes once they are built: groups, exposures (whose
 * depends_on need the nodes), and model access with its checks (which need both).
 */
export function addGovernance(manifest: Manifest, projects: ReadonlyArray<{ config: ProjectConfig; properties: PropertyFiles }>, diagnostics: Diagnostics): void {
  addGroups(
    manifest,
    projects.map(({ config, properties }) => ({ packageName: config.name, groups: properties.groups })),
    diagnostics,
  );
  addExposures(
    manifest,
    projects.map(({ config, properties }) => ({ packageName: config.name, exposures: properties.exposures })),
    diagnostics,
  );
  applyModelAccess(manifest, {
    packages: projects.map(({ config, properties }) => ({ packageName: config.name, patches: properties.nodes, restrictAccess: config.restrictAccess ?? false })),
    diagnostics,
  });
  computeMaps(manifest);
}
