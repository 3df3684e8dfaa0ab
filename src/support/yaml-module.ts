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
  loaded ??= load();
  return loaded;
}

/** From the CLI bundle, the package made into one file beside it (scripts/bundle-cli.js); from dist/ or the sources, the package. */
function load(): typeof Yaml {
  const require = createRequire(import.meta.url);
  try {
    return require('./yaml.cjs') as typeof Yaml;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error;
    return require('yaml') as typeof Yaml;
  }
}
