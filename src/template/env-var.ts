import { KpiError } from '../errors.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** `env_var('NAME', default)`: the variable's value, the default, or a clear error. */
export function envVar(env: Environment, name: string, fallback?: unknown): unknown {
  if (typeof name !== 'string' || name.length === 0) {
    throw new KpiError('KPI_ENV_VAR_MISSING', 'env_var() needs the name of an environment variable');
  }
  const value = env[name];
  if (value !== undefined) return value;
  if (fallback !== undefined) return fallback;
  throw new KpiError('KPI_ENV_VAR_MISSING', `environment variable '${name}' is not set and env_var() was given no default`, {
    hint: `export ${name}=... or pass a default: env_var('${name}', 'value')`,
  });
}
