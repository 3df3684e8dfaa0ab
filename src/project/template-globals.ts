import type { LoadedProject } from '../config/load-project.js';
import type { SourceLocation } from '../errors.js';
import type { ManifestNode } from '../manifest/types.js';
import type { Diagnostics } from '../support/diagnostics.js';

export interface TemplateGlobalsContext {
  loaded: LoadedProject;
  /** Problems with the provider's inputs; any error stops the parse, as for the project's own files. */
  diagnostics: Diagnostics;
  /** The position of a key of the project file, for diagnostics about it. */
  locateInProjectFile(path: Array<string | number>): SourceLocation;
}

export interface TemplateGlobalsSource {
  /** The provider's inputs as plain data (a file's text): unchanged inputs keep the partial-parse cache. */
  cacheKey: unknown;
  /** Names every template sees, at parse and run time alike. Seeds are parsed before models so these can read them. */
  globals(seeds: readonly ManifestNode[]): Record<string, unknown>;
}

/**
 * Names that features above the engine give every template (see api/features.ts):
 * the API layer hands providers to parseProject, which knows none of them by name.
 */
export type TemplateGlobalsProvider = (context: TemplateGlobalsContext) => TemplateGlobalsSource;
