import { loadInstalledPackages, type InstalledPackage } from './load-packages.js';
import type { TargetContext } from '../template/node-context.js';
import { Diagnostics, type Diagnostic } from '../support/diagnostics.js';
import type { Environment } from '../template/env-var.js';
import { loadProjectFile, type ProjectConfig } from './project-file.js';
import { resolveTarget, type TargetConfig } from './profiles.js';
import { parseCliVars } from '../template/vars.js';
import { join, resolve } from 'node:path';
import { YAML_CACHE_FILE, YamlCache } from './yaml-cache.js';
import { targetDir } from './target-dir.js';

export interface LoadOptions {
  projectDir?: string;
  profilesDir?: string;
  /** The target's name in the profile (`--target`). */
  target?: string;
  /** `--vars`: YAML text or an object. */
  vars?: string | Record<string, unknown>;
  threads?: number;
  env?: Environment;
  /** Use this target instead of reading profiles (tests, embedding). */
  targetConfig?: TargetConfig;
  /** Project-file keys that features above the engine read (`config.extensions`); others are unknown keys. */
  extensionKeys?: readonly string[];
  /** Reuse what earlier runs parsed (default true, as dbt): target/partial_parse.json for unchanged files, target/yaml_cache.json for unchanged YAML. */
  partialParse?: boolean;
}

/** The project file, the target and the run's inputs: everything later stages read, as plain data. */
export interface LoadedProject {
  config: ProjectConfig;
  target: TargetConfig;
  cliVars: Record<string, unknown>;
  env: Environment;
  diagnostics: Diagnostic[];
  /** Values that must never be printed (passwords, secret env vars). */
  secrets: string[];
  /** Packages installed in the project's packages-install-path (dbt_packages/), in name order. */
  packages?: InstalledPackage[];
  /**
   * The YAML files read so far, kept for the next run (config/yaml-cache.ts); parsing reads the
   * project's other YAML through it and saves it. Absent with `partialParse: false`.
   */
  yamlCache?: YamlCache;
}

export function loadProject(options: LoadOptions = {}): LoadedProject {
  const env = options.env ?? process.env;
  const diagnostics = new Diagnostics();
  const cliVars = typeof options.vars === 'string' ? parseCliVars(options.vars) : (options.vars ?? {});
  const secrets = new Set<string>();
  const projectDir = resolve(options.projectDir ?? process.cwd());
  // Looked for in the default target folder until the project file says where its target folder is.
  const yamlCache = options.partialParse === false ? undefined : new YamlCache(join(projectDir, 'target', YAML_CACHE_FILE));
  const config = loadProjectFile(projectDir, diagnostics, { env, cliVars, secrets }, options.extensionKeys, yamlCache);
  yamlCache?.moveTo(targetDir(config));
  const target =
    options.targetConfig ??
    resolveTarget(
      { projectDir: config.projectDir, profileName: config.profile, profilesDir: options.profilesDir, targetName: options.target, threads: options.threads, yamlCache },
      { env, cliVars, projectVars: config.vars, secrets },
      diagnostics,
    );
  if (options.threads !== undefined) target.threads = options.threads;
  const packages = loadInstalledPackages(config, diagnostics, { env, cliVars, secrets }, yamlCache);
  diagnostics.throwIfErrors();
  return { config, target, cliVars, env, diagnostics: diagnostics.items, secrets: [...secrets].filter((secret) => secret.length > 0), packages, yamlCache };
}

export { targetDir } from './target-dir.js';

export function targetDatabase(target: TargetConfig): string {
  if (target.type === 'pglite') return 'postgres';
  if (target.dbname) return target.dbname;
  if (target.url) return decodeURIComponent(new URL(target.url).pathname.replace(/^\//, '')) || 'postgres';
  return 'postgres';
}

export function targetContext(target: TargetConfig): TargetContext {
  const base = {
    name: target.name,
    schema: target.schema,
    type: 'postgres' as const,
    adapter: target.type,
    database: targetDatabase(target),
    dbname: targetDatabase(target),
    threads: target.threads,
    profile_name: target.profileName,
  };
  if (target.type === 'pglite') return base;
  const url = target.url ? new URL(target.url) : null;
  return {
    ...base,
    user: target.user ?? (url ? decodeURIComponent(url.username) : null),
    host: target.host ?? url?.hostname ?? null,
    port: target.port ?? (url?.port ? Number(url.port) : 5432),
  };
}
