import type nunjucks from 'nunjucks';
import { compileTemplate, createEnvironment } from './environment.js';
import { MacroRegistry, type DispatchConfig } from './macro-scope.js';
import { TemplateCodeCache, useTemplateCodeCache } from './template-code-cache.js';
import type { MacroDefinition } from '../manifest/types.js';

/**
 * The compiled, non-serialisable side of a parsed project: one nunjucks environment, the
 * macro registry and each file's compiled template, shared by parse and compile so every
 * file is compiled once per process.
 */
export class ProjectRuntime {
  readonly env: nunjucks.Environment;
  readonly macros: MacroRegistry;
  private readonly templates = new Map<string, nunjucks.Template>();
  /** Compiled template code kept across runs (target/template_cache.json); save() after parsing and compiling. */
  readonly templateCache: TemplateCodeCache;

  constructor(config: { name: string; dispatch: readonly DispatchConfig[] }, macros: Iterable<MacroDefinition>, templateCachePath: string | null = null) {
    this.env = createEnvironment();
    this.templateCache = new TemplateCodeCache(templateCachePath);
    useTemplateCodeCache(this.env, this.templateCache);
    this.macros = new MacroRegistry(this.env, macros, config.name, config.dispatch);
  }

  /** A template by a key that changes when its source does (path + checksum). */
  template(key: string, source: string, path: string): nunjucks.Template {
    let template = this.templates.get(key);
    if (!template) {
      template = compileTemplate(this.env, source, path);
      this.templates.set(key, template);
    }
    return template;
  }
}
