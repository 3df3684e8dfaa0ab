import nunjucks from 'nunjucks';
import { DoExtension } from './do-extension.js';
import { installFilters } from './filters.js';
import { installJinjaCompat } from './jinja-compat.js';
import { installJinjaTests } from './jinja-tests.js';

/**
 * The one nunjucks environment kind the engine renders with: Jinja-compatible syntax,
 * dbt's filters and Jinja's tests, no autoescaping (this is SQL, not HTML), undefined
 * renders as empty.
 */
export function createEnvironment(): nunjucks.Environment {
  installJinjaCompat();
  const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false, trimBlocks: false, lstripBlocks: false });
  env.addExtension('do', new DoExtension());
  installFilters(env);
  installJinjaTests(env);
  return env;
}

export function compileTemplate(env: nunjucks.Environment, source: string, path: string): nunjucks.Template {
  return new nunjucks.Template(source, env, path, true);
}
