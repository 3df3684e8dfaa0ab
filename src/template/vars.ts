import { KpiError, didYouMean } from '../errors.js';
import { yamlModule } from '../support/yaml-module.js';

/** `--vars '{key: value}'` (YAML or JSON) into a mapping. */
export function parseCliVars(text: string | undefined): Record<string, unknown> {
  if (text === undefined || text.trim() === '') return {};
  const simple = simpleFlowMapping(text);
  if (simple) return simple;
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

const KEY = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|'((?:[^'\n]|'')*)'|"([^"\\\n]*)")\s*:\s+/y;
const VALUE = /(?:'((?:[^'\n]|'')*)'|"([^"\\\n]*)"|(-?(?:0|[1-9][0-9]{0,14}))|(true|false|null))\s*(,|\}\s*$)/y;
/** Plain keys YAML reads as something other than their text. */
const SPECIAL_KEYS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL', '__proto__']);

/**
 * `--vars` as a scheduler passes it every day (`{run_date: '2026-12-05', n: 3}`), read without
 * loading the YAML package (a sixth of a short command): a one-line flow mapping of names to
 * quoted strings, decimal integers, true, false and null, each exactly as YAML 1.2 reads it.
 * Null for anything else (or anything this reading is not sure of), which YAML then reads.
 */
export function simpleFlowMapping(text: string): Record<string, unknown> | null {
  const body = text.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) return null;
  const result: Record<string, unknown> = {};
  if (/^\{\s*\}$/.test(body)) return result;
  let position = 1;
  for (;;) {
    KEY.lastIndex = position;
    const key = KEY.exec(body);
    if (!key) return null;
    const name = key[1] ?? (key[2] === undefined ? key[3] : key[2].replaceAll("''", "'"));
    if ((key[1] !== undefined && SPECIAL_KEYS.has(name)) || name === '__proto__' || Object.prototype.hasOwnProperty.call(result, name)) return null;
    VALUE.lastIndex = KEY.lastIndex;
    const value = VALUE.exec(body);
    if (!value) return null;
    result[name] =
      value[1] !== undefined ? value[1].replaceAll("''", "'") : value[2] !== undefined ? value[2] : value[3] !== undefined ? Number(value[3]) : value[4] === 'null' ? null : value[4] === 'true';
    if (value[5] !== ',') return result;
    position = VALUE.lastIndex;
  }
}
