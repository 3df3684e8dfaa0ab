import type { QueryResult } from '../adapters/adapter.js';
import type { Relation } from '../adapters/relation.js';
import { envVar, type Environment } from './env-var.js';
import { lookupVar } from './vars.js';
import { KpiError } from '../errors.js';
import { adapterResponse, buildAdapterContext, loadRelation, type Guard } from './adapter-context.js';
import { AgateTable } from './agate-table.js';
import { MacroReturn } from './jinja-compat.js';
import { namedArgs, splitArgs } from './keyword-args.js';
import { plainValue } from './python-values.js';
import { NOT_LATE, type LateContext, type MacroScope } from './macro-scope.js';
import { PyDateTime } from './py-datetime.js';
import { PYTZ_UTC } from './py-tzinfo.js';
import type { RenderSession } from './render-session.js';
import { KPI_VERSION } from '../manifest/version.js';
import { parallelPartCondition } from './parallel-part.js';

export interface TargetContext {
  name: string;
  schema: string;
  type: 'postgres';
  adapter: 'postgres' | 'pglite';
  database: string;
  threads: number;
  profile_name: string;
  user?: string | null;
  host?: string | null;
  port?: number;
  dbname?: string;
}

/** `ref('m')`, `ref('pkg', 'm')`, `ref('m', v=2)` as a template calls it (static-template.ts calls it too). */
export function callRef(host: Pick<ContextHost, 'ref'>, args: readonly unknown[]): Relation {
  const { positional, kwargs } = splitArgs(args);
  const version = (kwargs.v ?? kwargs.version ?? null) as string | number | null;
  if (positional.length === 2) return host.ref(String(positional[1]), String(positional[0]), version);
  return host.ref(String(positional[0]), null, version);
}

/** `source('src', 'table')`. */
export function callSource(host: Pick<ContextHost, 'source'>, args: readonly unknown[]): Relation {
  return host.source(String(args[0]), String(args[1]));
}

/** `config(key=value, ...)` or `config({...})` in a node's file: renders as nothing. */
export function callConfig(host: Pick<ContextHost, 'setConfig'>, args: readonly unknown[]): string {
  const { positional, kwargs } = splitArgs(args);
  const values = positional[0] && typeof positional[0] === 'object' ? { ...(positional[0] as object), ...kwargs } : kwargs;
  host.setConfig(values);
  return '';
}

/** What a render needs from the engine; parse-time and run-time hosts differ only here. */
export interface ContextHost {
  /** `execute` in templates: false while parsing, true when compiling to run. */
  execute: boolean;
  packageName: string;
  cliVars: Record<string, unknown>;
  projectVars: Record<string, unknown>;
  varOverrides?: Record<string, unknown>;
  /** The node's own package's vars (its dbt_project.yml), below the root project's (dbt's precedence). */
  packageVars?: Record<string, unknown>;
  env: Environment;
  target: TargetContext;
  invocationId: string;
  runStartedAt: Date;
  flags: Record<string, unknown>;
  ref(name: string, packageName: string | null, version: string | number | null): Relation;
  source(sourceName: string, tableName: string): Relation;
  /** `{{ config(...) }}` in the node's file. */
  setConfig(values: Record<string, unknown>): void;
  getConfig(key: string): unknown;
  thisRelation: Relation | null;
  model: Record<string, unknown> | null;
  isIncremental(): boolean;
  doc(name: string, packageName: string | null): string;
  graph(): Record<string, unknown>;
  /** Run-time only: a statement on the node's connection. */
  query?(sql: string, params?: unknown[]): Promise<QueryResult>;
  /** Run-time only: whether the database has Citus, where the connection already knows (`adapter.is_citus()` then asks nothing). */
  citus?: boolean;
  log(message: string, info: boolean): void;
  selectedResources?: string[];
  /** Extra names for this kind of node (materialization helpers, test arguments). */
  extra?: Record<string, unknown>;
}

interface StoredResult {
  table: AgateTable | null;
  data: unknown[][];
  response: { _message: string; code: string; rows_affected: number };
}

/**
 * The names a model, test, hook or macro sees when it renders (dbt's Jinja context). The
 * object holds what most renders read; the rest (the adapter, statements and results, logging,
 * exceptions, the graph, the clock...) is built on a render's first lookup of it (lateContext):
 * a parse renders every model, and most read only `ref` and `config`.
 */
export function buildNodeContext(host: ContextHost, scope: MacroScope, session: RenderSession): Record<string, unknown> {
  const guard: Guard =
    (fn) =>
    (...args) => {
      try {
        return fn(...args);
      } catch (error) {
        if (error instanceof KpiError) session.raise(error);
        throw error;
      }
    };

  const config = Object.assign(
    guard((...args: unknown[]) => callConfig(host, args)),
    {
      get: guard((key: string, fallback?: unknown) => host.getConfig(key) ?? fallback ?? null),
      /** dbt's config.set(key, value) (set_sql_header uses it): one config value, as text when it is a macro's output. */
      set: guard((key: unknown, value: unknown) => {
        host.setConfig({ [String(plainValue(key))]: plainValue(value) });
        return '';
      }),
      require: guard((key: string) => {
        const value = host.getConfig(key);
        if (value === undefined || value === null) {
          throw new KpiError('KPI_COMPILER_ERROR', `config '${key}' is required here`, { node: String(host.model?.unique_id ?? '') });
        }
        return value;
      }),
    },
  );

  const values: Record<string, unknown> = {
    execute: host.execute,
    target: host.target,
    this: host.thisRelation ?? undefined,
    model: host.model ?? undefined,
    // dbt: "the name of the root-level project which is being run", in a package's nodes and macros too.
    project_name: scope.registry.rootPackage,
    ref: guard((...args: unknown[]) => callRef(host, args)),
    source: guard((...args: unknown[]) => callSource(host, args)),
    config,
    var: guard((name: string, fallback?: unknown) => lookupVar(name, fallback, host.cliVars, host.projectVars, host.packageName, host.varOverrides, host.packageVars)),
    env_var: guard((name: string, fallback?: unknown) => envVar(host.env, name, fallback)),
    is_incremental: () => host.isIncremental(),
    caller: undefined,
    ...host.extra,
  };
  return scope.bind(values, lateContext(host, scope, session, values, guard));
}

/** The context names lateContext builds. */
const LATE_NAMES = new Set([
  'invocation_id',
  'run_started_at',
  'flags',
  'dbt_version',
  'kpi_version',
  'selected_resources',
  'parallel_part',
  'run_query',
  'statement',
  'load_result',
  'store_result',
  'store_raw_result',
  'load_relation',
  'adapter',
  'log',
  'print',
  'exceptions',
  'try_or_compiler_error',
  'return',
  'doc',
  'graph',
  'builtins',
]);

/** A render's seldom-read context names, each built when first looked up and kept for the render. */
function lateContext(host: ContextHost, scope: MacroScope, session: RenderSession, values: Record<string, unknown>, guard: Guard): LateContext {
  const nodeId = () => String(host.model?.unique_id ?? '') || undefined;
  const compilerError = (message: unknown): never => {
    throw new KpiError('KPI_COMPILER_ERROR', String(message), { node: nodeId() });
  };

  const runSql = (sql: string, params?: unknown[], log?: string): QueryResult | undefined => {
    if (!host.execute || !host.query) return undefined;
    const query = host.query;
    // The log line is written when the statement runs, once, not on each replay of the render.
    return session.call(`sql:${sql}:${JSON.stringify(params ?? [])}`, () => {
      if (log) host.log(log, true);
      return query(sql, params);
    }) as QueryResult;
  };

  // Stored results (statement, store_result, load_result): made by the first of them a render calls.
  let stored: Map<string, StoredResult> | undefined;
  const results = () => (stored ??= new Map());
  const store = (name: string, result: QueryResult, fetch: boolean) => {
    const table = fetch ? new AgateTable(result) : null;
    results().set(name, { table, data: table ? table.data() : [], response: adapterResponse(result) });
  };

  // Made by the first late name a render reads: most renders read none.
  let built: Map<string, unknown> | undefined;
  const late = (name: string): unknown => {
    if (!LATE_NAMES.has(name)) return NOT_LATE;
    built ??= new Map();
    if (!built.has(name)) built.set(name, build(name));
    return built.get(name);
  };

  const build = (name: string): unknown => {
    switch (name) {
      case 'invocation_id':
        return host.invocationId;
      case 'run_started_at':
        // dbt's run_started_at: datetime.now(tz=pytz.utc) when the run began.
        return PyDateTime.fromInstant(host.runStartedAt.getTime(), 0, PYTZ_UTC);
      case 'flags':
        return host.flags;
      case 'dbt_version':
        return '1.8.0';
      case 'kpi_version':
        return KPI_VERSION;
      case 'selected_resources':
        return host.selectedResources ?? [];
      case 'parallel_part':
        return guard((key: unknown) => {
          if (typeof key !== 'string' || key.trim() === '') return compilerError(`parallel_part() takes the SQL of an integer key, such as 'entity_id', got ${JSON.stringify(key)}`);
          return parallelPartCondition(key);
        });
      case 'run_query':
        return guard((sql: unknown) => {
          const result = runSql(String(sql));
          return result ? new AgateTable(result) : undefined;
        });
      case 'statement':
        /**
         * `{% call statement('name', fetch_result=True) %}sql{% endcall %}`: as dbt's, the body is
         * rendered and run only when executing; `load_result('name')` then has its rows.
         */
        return guard((...args: unknown[]) => {
          const { name: resultName, fetch_result, caller } = namedArgs(args, ['name', 'fetch_result', 'auto_begin', 'language']);
          if (!host.execute) return '';
          const sql = typeof caller === 'function' ? String(caller()) : '';
          const result = runSql(sql);
          if (result && resultName !== null && resultName !== undefined) store(String(resultName), result, Boolean(fetch_result));
          return '';
        });
      case 'load_result':
        return (resultName: unknown) => results().get(String(resultName)) ?? null;
      case 'store_result':
        return (...args: unknown[]) => {
          const { name: resultName, response, agate_table } = namedArgs(args, ['name', 'response', 'agate_table']);
          const table = agate_table instanceof AgateTable ? agate_table : null;
          results().set(String(resultName), { table, data: table ? table.data() : [], response: (response ?? { _message: '', code: '', rows_affected: 0 }) as StoredResult['response'] });
          return '';
        };
      case 'store_raw_result':
        return (...args: unknown[]) => {
          const { name: resultName, message, code, rows_affected, agate_table } = namedArgs(args, ['name', 'message', 'code', 'rows_affected', 'agate_table']);
          const table = agate_table instanceof AgateTable ? agate_table : null;
          results().set(String(resultName), {
            table,
            data: table ? table.data() : [],
            response: { _message: String(message ?? ''), code: String(code ?? ''), rows_affected: Number(rows_affected ?? 0) },
          });
          return '';
        };
      case 'load_relation':
        return guard((relation: Relation) => loadRelation(late('adapter') as ReturnType<typeof buildAdapterContext>, relation));
      case 'adapter':
        return buildAdapterContext(scope, runSql, guard, host.target.database, host.execute, host.execute ? host.citus : undefined);
      case 'log':
        return (message: unknown, info?: unknown) => {
          host.log(String(message), Boolean(info));
          return '';
        };
      case 'print':
        return (message: unknown) => {
          host.log(String(message), true);
          return '';
        };
      case 'exceptions':
        return {
          raise_compiler_error: guard(compilerError),
          raise_not_implemented: guard((message: unknown) => compilerError(`not implemented: ${String(message)}`)),
          raise_database_error: guard((message: unknown) => {
            throw new KpiError('KPI_DATABASE_ERROR', String(message), { node: nodeId() });
          }),
          raise_dependency_error: guard((message: unknown) => compilerError(`dependency error: ${String(message)}`)),
          raise_fail_fast_error: guard((message: unknown) => compilerError(String(message))),
          column_type_missing: guard((names: unknown) => compilerError(`column types are missing for: ${String(names)}`)),
          missing_config: guard((model: unknown, configName: unknown) => compilerError(`the model needs the config '${String(configName)}'`)),
          relation_wrong_type: guard((relation: unknown, expected: unknown) => compilerError(`${String(relation)} is not a ${String(expected)}`)),
          warn: (message: unknown) => {
            host.log(`warning: ${String(message)}`, true);
            return '';
          },
        };
      case 'try_or_compiler_error':
        /** dbt's try_or_compiler_error(message, fn, *args): a failure of fn becomes a compiler error with the message. */
        return guard((message: unknown, fn: (...args: unknown[]) => unknown, ...args: unknown[]) => {
          try {
            return fn(...args);
          } catch (error) {
            if (error instanceof MacroReturn) throw error;
            return compilerError(message);
          }
        });
      case 'return':
        return (value: unknown) => {
          throw new MacroReturn(value);
        };
      case 'doc':
        return guard((...args: string[]) => (args.length === 2 ? host.doc(args[1], args[0]) : host.doc(args[0], null)));
      case 'graph':
        return host.execute ? host.graph() : { nodes: {}, sources: {}, exposures: {}, groups: {}, metrics: {} };
      case 'builtins':
        return { ref: values.ref, source: values.source, config: values.config };
      default:
        return NOT_LATE;
    }
  };
  return late;
}
