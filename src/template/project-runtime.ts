import type nunjucks from 'nunjucks';
import { compileTemplate, createEnvironment } from './environment.js';
import { MacroRegistry, type DispatchConfig } from './macro-scope.js';
import { TemplateCodeCache, useTemplateCodeCache } from './template-code-cache.js';
import type { MacroDefinition } from '../manifest/types.js';
import { parseStaticTemplate, type StaticTemplate } from './static-template.js';
import { shareLiterals } from './literal-sharing.js';

/** A template shared by the files of one shape (literal-sharing.ts), and the values of this file's literals. */
export interface SharedTemplate {
  template: nunjucks.Template;
  values: Record<string, string>;
}

/**
 * The compiled, non-serialisable side of a parsed project: one nunjucks environment, the
 * macro registry and each file's compiled template, shared by parse and compile so every
 * file is compiled once per process.
 */
export class ProjectRuntime {
  readonly env: nunjucks.Environment;
  readonly macros: MacroRegistry;
  private readonly templates = new Map<string, nunjucks.Template>();
  private readonly staticTemplates = new Map<string, StaticTemplate | null>();
  /**
   * Whether files whose Jinja is static may skip nunjucks (static-template.ts): parseProject
   * turns it off when asked to, or when a macro or global could stand for ref, source or config.
   */
  staticParser = true;
  /** Whether files that differ only in string literals share one compiled template (literal-sharing.ts); parseProject may turn it off. */
  literalSharing = true;
  private readonly shapes = new Map<string, nunjucks.Template | null>();
  /** Each file's shape and literals by its text: a compile renders the files its parse rendered, and finding a shape costs a pass over the text. */
  private readonly shared = new Map<string, SharedTemplate | null>();
  /** Compiled template code kept across runs (target/template_cache.json); save() after parsing and compiling. */
  readonly templateCache: TemplateCodeCache;

  constructor(config: { name: string; dispatch: readonly DispatchConfig[] }, macros: Iterable<MacroDefinition>, templateCachePath: string | null = null) {
    this.env = createEnvironment();
    this.templateCache = new TemplateCodeCache(templateCachePath);
    useTemplateCodeCache(this.env, this.templateCache);
    this.macros = new MacroRegistry(this.env, macros, config.name, config.dispatch);
  }

  /** A file's static form (text and literal ref/source/config calls) by the same key as `template`, or null when it must be rendered. */
  staticTemplate(key: string, source: string): StaticTemplate | null {
    if (!this.staticParser) return null;
    let template = this.staticTemplates.get(key);
    if (template === undefined) {
      template = parseStaticTemplate(source);
      this.staticTemplates.set(key, template);
    }
    return template;
  }

  /**
   * The template of the file's shape and its literals' values, or null when it has no literal
   * to share or its shape does not compile (the file's own template then gives the error).
   */
  sharedTemplate(source: string): SharedTemplate | null {
    if (!this.literalSharing) return null;
    let found = this.shared.get(source);
    if (found === undefined) {
      found = this.findShared(source);
      this.shared.set(source, found);
    }
    return found;
  }

  private findShared(source: string): SharedTemplate | null {
    const shared = shareLiterals(source);
    if (!shared) return null;
    let template = this.shapes.get(shared.shape);
    if (template === undefined) {
      try {
        // One name for every file of the shape, so the code cache holds it once; positions appear only in errors, which are rendered again from the file.
        template = compileTemplate(this.env, shared.shape, '<shared>');
      } catch {
        template = null;
      }
      this.shapes.set(shared.shape, template);
    }
    return template ? { template, values: shared.values } : null;
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
