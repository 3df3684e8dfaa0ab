import { KpiError, didYouMean } from '../errors.js';
import { yamlModule } from '../support/yaml-module.js';

/** `--vars '{key: value}'` (YAML or JSON) into a mapping. */
export function parseCliVars(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  let value: unknown;
  try {
    value = yamlModule().parse(text);
  } catch (error) {
    throw new KpiError('KPI_USAGE', `--vars is not valid YAML: ${(error as Error).message.split('\n')[0]}`, {
      hint: `quote it as a YAML mapping: --vars '{"start_date": "2024-01-01"}'`,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KpiError('KPI_USAGE', '--vars must be a YAML mapping of names to values', { hint: `--vars '{name: value}'` });
  }
  return value as Record<string, unknown>;
}

/** A var from one project file's `vars:`: scoped to the package (`vars: {pkg: {x: 1}}`) first, then global. */
function fromProjectVars(vars: Record<string, unknown>, name: string, packageName: string | undefined): { found: boolean; value?: unknown } {
  const scoped = packageName ? vars[packageName] : undefined;
  if (scoped && typeof scoped === 'object' && !Array.isArray(scoped) && Object.prototype.hasOwnProperty.call(scoped, name)) {
    return { found: true, value: (scoped as Record<string, unknown>)[name] };
  }
  if (Object.prototype.hasOwnProperty.call(vars, name)) return { found: true, value: vars[name] };
  return { found: false };
}

/**
 * dbt's precedence: `--vars`, then the root project's vars scoped to the node's package
 * (`vars: {my_project: {x: 1}}`), then its global vars, then — for a node of an installed
 * package — that package's own project vars (scoped, then global), then the default.
 */
export function lookupVar(
  name: string,
  fallback: unknown,
  cliVars: Record<string, unknown>,
  projectVars: Record<string, unknown>,
  packageName?: string,
  overrides?: Record<string, unknown>,
  packageVars?: Record<string, unknown>,
): unknown {
  if (overrides && Object.prototype.hasOwnProperty.call(overrides, name)) return overrides[name];
  if (Object.prototype.hasOwnProperty.call(cliVars, name)) return cliVars[name];
  for (const vars of [projectVars, packageVars ?? {}]) {
    const found = fromProjectVars(vars, name, packageName);
    if (found.found) return found.value;
  }
  if (fallback !== undefined) return fallback;
  const known = [...Object.keys(cliVars), ...Object.keys(projectVars), ...Object.keys(packageVars ?? {})];
  throw new KpiError('KPI_VAR_MISSING', `var('${name}') is not defined and has no default.${didYouMean(name, known)}`, {
    hint: `define it under vars: in the project file, pass --vars '{${name}: ...}', or give a default: var('${name}', ...)`,
  });
}
