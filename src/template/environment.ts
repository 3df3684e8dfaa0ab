import nunjucks from 'nunjucks';
import { DoExtension } from './do-extension.js';
import { installFilters } from './filters.js';
import { installJinjaCompat } from './jinja-compat.js';
import { installJinjaTests } from './jinja-tests.js';
import { templateSyntaxError } from './template-error.js';

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

/**
 * Compile a template now, so a syntax error (or a construct kpi does not render) is a KpiError
 * at its file, line and column. nunjucks' eager compile would keep only a message.
 */
export function compileTemplate(env: nunjucks.Environment, source: string, path: string): nunjucks.Template {
  const template = new nunjucks.Template(source, env, path, false);
  try {
    (template as unknown as { _compile(): void })._compile();
  } catch (error) {
    throw templateSyntaxError(error, path);
  }
  return template;
}
