import type nunjucks from 'nunjucks';
import { KpiError } from '../errors.js';
import type { ProjectRuntime } from './project-runtime.js';
import { MacroScope } from './macro-scope.js';
import { buildNodeContext, type ContextHost } from './node-context.js';
import { RenderSession } from './render-session.js';
import { toTemplateError } from './template-error.js';

/**
 * Render one template for one node: its context, its macros, and database calls answered
 * by replay (see RenderSession). Errors come back as KpiErrors naming file:line:col.
 */
export async function renderTemplate(runtime: ProjectRuntime, template: nunjucks.Template, host: ContextHost, file: string): Promise<string> {
  const session = new RenderSession(host.execute);
  try {
    return await session.render(() => {
      const scope = new MacroScope(runtime.macros, host.packageName, session);
      return template.render(buildNodeContext(host, scope, session));
    });
  } catch (error) {
    if (error instanceof KpiError && !session.raised) throw error;
    const converted = toTemplateError(error, file);
    const raised = session.raised;
    if (!raised) throw converted;
    throw new KpiError(raised.code, raised.message, { location: raised.location ?? converted.location, hint: raised.hint ?? converted.hint, node: raised.node, cause: raised });
  }
}

/** Render a small piece of template text (a hook, a macro call) in a node's context. */
export async function renderText(runtime: ProjectRuntime, text: string, host: ContextHost, file: string): Promise<string> {
  if (!text.includes('{{') && !text.includes('{%')) return text;
  return renderTemplate(runtime, runtime.template(`text:${file}:${text}`, text, file), host, file);
}

/**
 * Render a file's template: through the template its shape shares with other files when it
 * has one (literal-sharing.ts), else its own. A shared render that fails is undone (`reset`)
 * and rendered again from the file's own template, so an error names the file's own line
 * and column, as a render of it alone does.
 */
export async function renderFile(runtime: ProjectRuntime, key: string, source: string, host: ContextHost, file: string, reset?: () => void): Promise<string> {
  const shared = runtime.sharedTemplate(source);
  if (shared) {
    try {
      return await renderTemplate(runtime, shared.template, { ...host, extra: { ...host.extra, ...shared.values } }, file);
    } catch {
      reset?.();
    }
  }
  return renderTemplate(runtime, runtime.template(key, source, file), host, file);
}
