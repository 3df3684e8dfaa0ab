import nunjucks from 'nunjucks';
import { DoExtension } from './do-extension.js';
import { installFilters } from './filters.js';
import { installJinjaCompat } from './jinja-compat.js';
import { installJinjaTests } from './jinja-tests.js';
import { templateCodeCacheOf } from './template-code-cache.js';
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
  const cache = templateCodeCacheOf(env);
  let code = cache?.get(source, path);
  if (code === undefined) {
    try {
      const internals = nunjucks as unknown as { compiler: { compile(source: string, asyncFilters: unknown, extensions: unknown, name: string, opts: unknown): string } };
      const raw = env as unknown as { asyncFilters: unknown; extensionsList: unknown; opts: unknown };
      code = internals.compiler.compile(source, raw.asyncFilters, raw.extensionsList, path, raw.opts);
    } catch (error) {
      throw templateSyntaxError(error, path);
    }
    cache?.set(source, path, code);
  }
  // What nunjucks' own _compile does with the code: evaluate it for the template's functions.
  const props = new Function(code)() as object;
  return new nunjucks.Template({ type: 'code', obj: props } as unknown as string, env, path, true);
}
