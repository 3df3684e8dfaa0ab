import { isAbsolute, join } from 'node:path';
import type { ProjectConfig } from './project-file.js';

/**
 * The project's target folder (`target-path`, relative to the project unless absolute). A module
 * of its own: the compile replay (api/compile-replay.ts) needs it without loading the project
 * file's modules, which load the template engine.
 */
export function targetDir(config: Pick<ProjectConfig, 'targetPath' | 'projectDir'>): string {
  return isAbsolute(config.targetPath) ? config.targetPath : join(config.projectDir, config.targetPath);
}
