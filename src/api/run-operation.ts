import { join } from 'node:path';
import { executeHost, syntheticNode } from '../compile/compile-node.js';
import { buildRunResults } from '../artifacts/run-results.js';
import { closestMatch, KpiError } from '../errors.js';
import { Stopwatch } from '../execution/node-result.js';
import type { NodeResult } from '../execution/types.js';
import { writeJson } from '../support/write-file.js';
import { yamlModule } from '../support/yaml-module.js';
import type { MacroDefinition } from '../manifest/types.js';
import { renderText } from '../template/render-template.js';
import { compileSession, parse, usingDatabase, type DatabaseOptions, type ProjectOptions } from './project.js';

export interface RunOperationOptions extends ProjectOptions, DatabaseOptions {
  /** `name` or `package.name`. */
  macro: string;
  /** `--args`: YAML text (a mapping of the macro's keyword arguments) or an object. */
  args?: string | Record<string, unknown>;
}

export interface RunOperationResult {
  /** The macro that ran, as `macro.<package>.<name>`. */
  unique_id: string;
  /** What the macro returned (`return(...)`), or its rendered text when it returned nothing. */
  value: unknown;
}

/** The name the operation's arguments have in its template: not one a project would use. */
const ARGS_NAME = '__kpi_operation_args';

/** `--args` as dbt reads it: a YAML mapping of keyword arguments. */
export function parseOperationArgs(args: RunOperationOptions['args']): Record<string, unknown> {
  if (args === undefined) return {};
  if (typeof args !== 'string') return args;
  if (args.trim() === '') return {};
  let value: unknown;
  try {
    value = yamlModule().parse(args);
  } catch (error) {
    throw new KpiError('KPI_USAGE', `--args is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { hint: `give a YAML mapping: --args '{name: value}'` });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new KpiError('KPI_USAGE', '--args must be a YAML mapping of argument names to values', { hint: `--args '{name: value}'` });
  return value as Record<string, unknown>;
}

/** dbt's lookup for `run-operation NAME`: `package.name` in that package; a bare name in the root project, then the built-ins, then any package. */
function findMacro(macros: Record<string, MacroDefinition>, name: string, rootPackage: string): MacroDefinition | undefined {
  const all = Object.values(macros);
  const dot = name.indexOf('.');
  if (dot >= 0) return all.find((macro) => macro.package_name === name.slice(0, dot) && macro.name === name.slice(dot + 1));
  const named = all.filter((macro) => macro.name === name);
  return named.find((macro) => macro.package_name === rootPackage) ?? named.find((macro) => macro.package_name === 'dbt') ?? named[0];
}

/**
 * `kpi run-operation MACRO --args '{...}'`: call one macro with keyword arguments, connected to
 * the target, as dbt does. Its statements run as it issues them (each committed unless the
 * macro opens a transaction); its `log()` lines go out as events. A macro that fails, or that
 * does not exist, is `KPI_OPERATION_FAILED` (exit 1, as dbt exits); a bad project or bad
 * `--args` fail as any command does (exit 2). As dbt (1.6 on), an operation that ran, or
 * failed running, leaves one result in target/run_results.json under the macro's id.
 */
export async function runOperation(options: RunOperationOptions): Promise<RunOperationResult> {
  const args = parseOperationArgs(options.args);
  const watch = new Stopwatch();
  watch.begin('compile');
  const parsed = await parse(options);
  const rootPackage = parsed.loaded.config.name;
  const macro = findMacro(parsed.manifest.macros, options.macro, rootPackage);
  if (!macro) {
    const names = Object.values(parsed.manifest.macros)
      .filter((candidate) => candidate.package_name !== 'dbt')
      .map((candidate) => (options.macro.includes('.') ? `${candidate.package_name}.${candidate.name}` : candidate.name));
    const match = closestMatch(options.macro, names);
    throw new KpiError('KPI_OPERATION_FAILED', `there is no macro named '${options.macro}' in the project or its packages${match ? `. Did you mean '${match}'?` : ''}`, {
      hint: 'name a macro from macros/ (or package.macro for a package)',
    });
  }
  const emit = parsed.emit;
  const session = compileSession(parsed, { flags: { WHICH: 'run-operation' }, log: (message, info) => emit({ type: 'log', level: info ? 'info' : 'debug', message }) });
  const node = syntheticNode(session, 'operation', macro.name, '', macro.original_file_path);
  // The root project's macros are called by name; another package's through its namespace, as a template would.
  const callee = macro.package_name === rootPackage || macro.package_name === 'dbt' ? macro.name : `${macro.package_name}.${macro.name}`;
  watch.begin('execute');
  const written = (status: 'success' | 'error', message: string | null): void => {
    watch.end();
    const result: NodeResult = {
      unique_id: macro.unique_id,
      status,
      timing: watch.timing,
      thread_id: 'main',
      execution_time: Number(watch.seconds.toFixed(4)),
      adapter_response: {},
      message,
      failures: status === 'success' ? 0 : 1,
      compiled: false,
      compiled_code: null,
      relation_name: null,
    };
    const run = { invocationId: parsed.invocationId, command: 'run-operation', elapsedSeconds: watch.seconds, now: parsed.now, options: { macro: options.macro, args } };
    writeJson(join(parsed.targetDir, 'run_results.json'), buildRunResults([result], run));
  };
  const value = await usingDatabase(parsed.loaded, { ...options, lock: true, emit }, (adapter) =>
    adapter.withConnection(async (connection) => {
      const host = executeHost(session, node, { connection, extra: { [ARGS_NAME]: args } }, []);
      try {
        return (await renderText(session.runtime, `{{ ${callee}(**${ARGS_NAME}) }}`, host, macro.original_file_path)).trim();
      } catch (error) {
        if (!(error instanceof KpiError) || error.code === 'KPI_INTERRUPTED') throw error;
        written('error', error.message);
        throw new KpiError('KPI_OPERATION_FAILED', `run-operation ${options.macro} failed (${error.code}): ${error.message}`, { location: error.location, hint: error.hint, cause: error });
      }
    }),
  );
  written('success', null);
  return { unique_id: macro.unique_id, value };
}
