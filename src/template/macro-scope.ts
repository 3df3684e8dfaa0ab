import type nunjucks from 'nunjucks';
import { KpiError, didYouMean } from '../errors.js';
import type { MacroDefinition } from '../manifest/types.js';
import { compileTemplate } from './environment.js';
import { SCOPE_KEY, type LookupScope } from './jinja-compat.js';
import type { RenderSession } from './render-session.js';
import { STATIC_CONTEXT } from './static-context.js';

export const INTERNAL_PACKAGE = 'dbt';

/** What a render's late context answers for a name it does not hold. */
export const NOT_LATE: unique symbol = Symbol('not a late context name');

/** Context names built on a render's first lookup of them (node-context.ts), or NOT_LATE. */
export type LateContext = (name: string) => unknown;

const noLateContext: LateContext = () => NOT_LATE;

const PRIVATE_EXPORT = 'kpi_private_macro';

/** A `dispatch:` entry of the project file: where `adapter.dispatch` looks for a namespace's macros. */
export interface DispatchConfig {
  macro_namespace: string;
  search_order: string[];
}

/**
 * Every macro the project can call, by package. Each macro's template is compiled once
 * per process; each render instantiates the macros it calls with its own context, so a
 * macro sees the calling node's `this`, `ref`, `target`, as in dbt.
 */
export class MacroRegistry {
  private readonly byPackage = new Map<string, Map<string, MacroDefinition>>();
  private readonly templates = new Map<string, nunjucks.Template>();

  constructor(
    private readonly env: nunjucks.Environment,
    macros: Iterable<MacroDefinition>,
    readonly rootPackage: string,
    private readonly dispatch: readonly DispatchConfig[] = [],
  ) {
    for (const macro of macros) {
      let names = this.byPackage.get(macro.package_name);
      if (!names) this.byPackage.set(macro.package_name, (names = new Map()));
      names.set(macro.name, macro);
    }
  }

  get packages(): string[] {
    return [...this.byPackage.keys()];
  }

  /** Every macro of every package. */
  all(): MacroDefinition[] {
    return [...this.byPackage.values()].flatMap((names) => [...names.values()]);
  }

  /** An unqualified name: the calling package, then the root project, then the built-ins. */
  find(name: string, callingPackage: string): MacroDefinition | undefined {
    for (const pkg of [callingPackage, this.rootPackage, INTERNAL_PACKAGE]) {
      const macro = this.byPackage.get(pkg)?.get(name);
      if (macro) return macro;
    }
    return undefined;
  }

  findIn(pkg: string, name: string): MacroDefinition | undefined {
    return this.byPackage.get(pkg)?.get(name);
  }

  hasPackage(name: string): boolean {
    return this.byPackage.has(name);
  }

  names(): string[] {
    return [...this.byPackage.values()].flatMap((names) => [...names.keys()]);
  }

  /** Installed packages (not the root project, not the built-ins), as dbt's `config.dependencies`. */
  isDependency(name: string): boolean {
    return name !== this.rootPackage && name !== INTERNAL_PACKAGE && this.byPackage.has(name);
  }

  /**
   * dbt's dispatch search: the root project's `dispatch:` search_order for the namespace if
   * it has one; else, for an installed package, the root project then the package; else (no
   * namespace, `dbt`, or an unknown one) the unqualified lookup a call would make. In each
   * package, `postgres__name` before `default__name`. `null` in the order means unqualified.
   */
  dispatchOrder(namespace: string | null): Array<string | null> {
    if (namespace === null) return [null];
    const configured = this.dispatch.find((entry) => entry.macro_namespace === namespace)?.search_order;
    if (configured && configured.length > 0) return configured;
    if (this.isDependency(namespace)) return [this.rootPackage, namespace];
    return [null];
  }

  dispatchCandidates(name: string, namespace: string | null, callingPackage: string): { found: MacroDefinition | undefined; searched: string[] } {
    const searched: string[] = [];
    for (const pkg of this.dispatchOrder(namespace)) {
      for (const prefix of ['postgres__', 'default__']) {
        const candidate = `${prefix}${name}`;
        searched.push(pkg === null ? candidate : `${pkg}.${candidate}`);
        const macro = pkg === null ? this.find(candidate, callingPackage) : this.findIn(pkg, candidate);
        if (macro) return { found: macro, searched };
      }
    }
    return { found: undefined, searched };
  }

  template(macro: MacroDefinition): nunjucks.Template {
    let template = this.templates.get(macro.unique_id);
    if (!template) {
      // Leading newlines keep line numbers in errors pointing into the macro's file.
      // nunjucks exports no name that starts with `_`; a private macro (dbt-utils' `_is_relation`) is exported under another name.
      const exportPrivate = macro.name.startsWith('_') ? `{% set ${PRIVATE_EXPORT} = ${macro.name} %}` : '';
      const source = '\n'.repeat(Math.max(0, macro.line - 1)) + macro.macro_sql + exportPrivate;
      template = compileTemplate(this.env, source, macro.original_file_path);
      this.templates.set(macro.unique_id, template);
    }
    return template;
  }
}

type MacroFunction = (...args: unknown[]) => unknown;

/** nunjucks has this method; its type definitions leave it out. */
interface ExportingTemplate {
  getExported(context: object, callback: (error: unknown, exported: Record<string, unknown>) => void): void;
}

/** The context name of package-qualified macro overrides (`{'audit_helper.x': fn}`), read by package namespaces. */
export const MACRO_OVERRIDES_KEY = '__kpi_macro_overrides';

/** Resolves names a template does not define itself: macros, and package namespaces (`dbt_utils.star`). */
export class MacroScope implements LookupScope {
  private readonly instantiated = new Map<string, MacroFunction>();
  private readonly namespaces = new Map<string, object>();
  values: Record<string, unknown> = {};
  private late: LateContext = noLateContext;

  constructor(
    readonly registry: MacroRegistry,
    readonly packageName: string,
    readonly session: RenderSession,
  ) {}

  /**
   * The context object templates render with (made for this render: it is kept, not copied);
   * macros instantiate against the same one. `late` answers the context names a render seldom
   * reads, when one is looked up: they take precedence over macros, as the object's own names do.
   */
  bind(values: Record<string, unknown>, late: LateContext = noLateContext): Record<string, unknown> {
    values[SCOPE_KEY] = this;
    this.values = values;
    this.late = late;
    return values;
  }

  /** A context name as a template would find it: the object's own, then a late one. */
  contextValue(name: string): unknown {
    if (Object.prototype.hasOwnProperty.call(this.values, name)) return this.values[name];
    const late = this.late(name);
    return late === NOT_LATE ? undefined : late;
  }

  lookup(name: string): unknown {
    const late = this.late(name);
    if (late !== NOT_LATE) return late;
    // Context names that never change (zip, namespace, modules, api...) live here rather than in each render's context, which nunjucks copies for every template and macro.
    if (Object.prototype.hasOwnProperty.call(STATIC_CONTEXT, name)) return STATIC_CONTEXT[name];
    const macro = this.registry.find(name, this.packageName);
    if (macro) return this.instantiate(macro);
    if (this.registry.hasPackage(name)) return this.namespace(name);
    return undefined;
  }

  instantiate(macro: MacroDefinition): MacroFunction {
    const cached = this.instantiated.get(macro.unique_id);
    if (cached) return cached;
    let template: nunjucks.Template;
    try {
      template = this.registry.template(macro);
    } catch (error) {
      // A macro file that does not compile: its KpiError names the macro's file and line, and
      // must survive nunjucks wrapping it on the way out of the render that called the macro.
      if (error instanceof KpiError) throw this.session.raise(error);
      throw error;
    }
    let exported: Record<string, unknown> | undefined;
    let failure: unknown;
    (template as unknown as ExportingTemplate).getExported(this.values, (error, result) => {
      failure = error;
      exported = result;
    });
    if (failure) throw failure;
    const fn = exported?.[macro.name.startsWith('_') ? PRIVATE_EXPORT : macro.name] as MacroFunction | undefined;
    if (typeof fn !== 'function') {
      throw new KpiError('KPI_TEMPLATE_ERROR', `macro '${macro.name}' could not be loaded`, { location: { file: macro.original_file_path, line: macro.line } });
    }
    this.instantiated.set(macro.unique_id, fn);
    return fn;
  }

  namespace(pkg: string): object {
    let proxy = this.namespaces.get(pkg);
    if (!proxy) {
      proxy = new Proxy(
        {},
        {
          get: (_target, property) => {
            if (typeof property !== 'string') return undefined;
            // A unit test's `overrides: macros: {pkg.name: value}` replaces a package's macro for every caller.
            const overrides = this.values[MACRO_OVERRIDES_KEY] as Record<string, unknown> | undefined;
            if (overrides && Object.prototype.hasOwnProperty.call(overrides, `${pkg}.${property}`)) return overrides[`${pkg}.${property}`];
            const macro = this.registry.findIn(pkg, property);
            // dbt's own namespace also holds what kpi implements in JavaScript (run_query, statement, is_incremental...).
            if (!macro && pkg === INTERNAL_PACKAGE) {
              const own = this.contextValue(property);
              if (typeof own === 'function') return own;
            }
            if (!macro) {
              throw this.session.raise(new KpiError('KPI_COMPILER_ERROR', `package '${pkg}' has no macro '${property}'.${didYouMean(property, this.registry.names())}`));
            }
            return this.instantiate(macro);
          },
          has: (_target, property) => typeof property === 'string' && this.registry.findIn(pkg, property) !== undefined,
        },
      );
      this.namespaces.set(pkg, proxy);
    }
    return proxy;
  }

  /** `adapter.dispatch('name', 'namespace')`: the implementation to call. */
  dispatch(name: string, namespace: string | null, packages?: unknown): MacroFunction {
    if (name.includes('.')) {
      const [suggestedNamespace, suggestedName] = name.split('.', 2);
      throw this.session.raise(
        new KpiError('KPI_COMPILER_ERROR', `In adapter.dispatch, got a macro name of "${name}", but "." is not a valid macro name component`, {
          hint: `adapter.dispatch("${suggestedName}", macro_namespace="${suggestedNamespace}")`,
        }),
      );
    }
    if (packages !== undefined && packages !== null) {
      throw this.session.raise(
        new KpiError('KPI_COMPILER_ERROR', `adapter.dispatch('${name}'): the packages argument is no longer supported`, { hint: 'use macro_namespace and a dispatch: entry in the project file' }),
      );
    }
    const { found, searched } = this.registry.dispatchCandidates(name, namespace, this.packageName);
    if (!found) {
      throw this.session.raise(
        new KpiError('KPI_COMPILER_ERROR', `In dispatch: no macro named '${name}' found within namespace '${namespace ?? 'None'}'. Searched for: ${searched.map((entry) => `'${entry}'`).join(', ')}`),
      );
    }
    return this.instantiate(found);
  }
}
