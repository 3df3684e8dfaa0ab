import type nunjucks from 'nunjucks';
import { KpiError } from '../errors.js';
import { createEnvironment } from '../template/environment.js';
import { toTemplateError } from '../template/template-error.js';
import { envVar, type Environment } from '../template/env-var.js';
import { lookupVar } from '../template/vars.js';
import type { YamlFile, YamlPath } from './yaml-file.js';

export interface ConfigRenderContext {
  env: Environment;
  cliVars: Record<string, unknown>;
  projectVars: Record<string, unknown>;
  projectName?: string;
  /** Values whose source was a secret (passwords): redacted wherever they would be printed. */
  secrets?: Set<string>;
  /** `target`, where the YAML is read after the target is known (property files). */
  target?: unknown;
}

let environment: nunjucks.Environment | undefined;

/** dbt renders `{{ env_var('X') }}` and `{{ var('y') }}` inside YAML values; so do we. */
export function renderConfigString(text: string, context: ConfigRenderContext, file: string, path: YamlPath, yaml?: YamlFile): unknown {
  if (!text.includes('{{') && !text.includes('{%')) return text;
  environment ??= createEnvironment();
  const secretName = /secret|password/i;
  const globals = {
    env_var: (name: string, fallback?: unknown) => {
      const value = envVar(context.env, name, fallback);
      if (secretName.test(name) || name.startsWith('DBT_ENV_SECRET_')) context.secrets?.add(String(value));
      return value;
    },
    var: (name: string, fallback?: unknown) => lookupVar(name, fallback, context.cliVars, context.projectVars, context.projectName),
    ...(context.target === undefined ? {} : { target: context.target }),
  };
  try {
    const rendered = environment.renderString(text, globals).trim();
    return coerce(rendered);
  } catch (error) {
    const location = yaml ? yaml.locate(path) : { file };
    const converted = toTemplateError(error, file);
    throw new KpiError(converted.code, converted.message, { location, hint: converted.hint });
  }
}

/**
 * A rendered value as dbt's native rendering reads it: `"{{ env_var('PORT') }}"` a number,
 * `"{{ target.type in ['bigquery'] }}"` a boolean (Jinja prints `False`, nunjucks `false`).
 */
export function coerce(text: string): unknown {
  if (/^-?\d+$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  return text;
}

export function renderConfigStrings(value: unknown, context: ConfigRenderContext, yaml: YamlFile, skipKeys: ReadonlySet<string>, path: YamlPath = []): unknown {
  if (typeof value === 'string') return renderConfigString(value, context, yaml.file, path, yaml);
  if (Array.isArray(value)) return value.map((item, index) => renderConfigStrings(item, context, yaml, skipKeys, [...path, index]));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = skipKeys.has(key) ? item : renderConfigStrings(item, context, yaml, skipKeys, [...path, key]);
    }
    return result;
  }
  return value;
}
