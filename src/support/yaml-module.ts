import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let loaded: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded on its first use rather than when the CLI starts: a command
 * whose YAML all comes from the parse caches (config/yaml-cache.ts) never pays for loading
 * it (about 40 ms, a sixth of `kpi ls`). Synchronous, as YAML is read in the middle of
 * synchronous code; Node's `yaml` entry point is CommonJS, so `require` returns the same
 * module an `import` would.
 */
export function yamlModule(): typeof Yaml {
  loaded ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return loaded;
}
