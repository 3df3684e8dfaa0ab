import type { ProjectConfig } from '../config/project-file.js';
import type { SourceLocation } from '../errors.js';
import type { Diagnostics } from '../support/diagnostics.js';
import { discoverFiles } from './discover-files.js';

/** Property-file sections that declare dbt resources kpi does not build or read yet. */
export const UNSUPPORTED_SECTIONS: Readonly<Record<string, string>> = {
  metrics: 'metrics',
  semantic_models: 'semantic models',
  saved_queries: 'saved queries',
};

/**
 * Nothing in a project is skipped silently: files of resource types kpi does not support
 * yet (Python models) are each a warning that names them. (Analyses are compiled, as dbt.)
 */
export function warnUnsupportedFiles(projectDir: string, config: ProjectConfig, diagnostics: Diagnostics): void {
  for (const file of discoverFiles(projectDir, config.modelPaths, ['.py'])) {
    diagnostics.warn('KPI_RESOURCE_UNSUPPORTED', `Python model ${file.path}: kpi builds SQL models only; it is skipped`, { file: file.path });
  }
}

/** A property file's entries of a section kpi does not support, each a warning naming it. */
export function warnUnsupportedSection(section: string, entries: readonly unknown[], locate: (index: number) => SourceLocation, diagnostics: Diagnostics): void {
  const what = UNSUPPORTED_SECTIONS[section];
  if (!what) return;
  entries.forEach((entry, index) => {
    const name = entry !== null && typeof entry === 'object' && 'name' in entry ? String((entry as { name: unknown }).name) : `#${index + 1}`;
    diagnostics.warn('KPI_RESOURCE_UNSUPPORTED', `${section.replace(/s$/, '').replace('_', ' ')} '${name}': kpi does not support ${what} yet; it is skipped`, locate(index));
  });
}
