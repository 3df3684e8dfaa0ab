import { renderConfigString, type ConfigRenderContext } from '../config/render-config.js';
import { KpiError, type SourceLocation } from '../errors.js';
import type { Diagnostics } from '../support/diagnostics.js';
import type { PropertyFiles } from './property-files.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every string of a config value rendered. */
function renderTree(value: unknown, render: (text: string) => unknown): unknown {
  if (typeof value === 'string') return render(value);
  if (Array.isArray(value)) return value.map((item) => renderTree(item, render));
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderTree(item, render)]));
  return value;
}

const LATE_RENDERED = new Set(['pre_hook', 'post_hook', 'pre-hook', 'post-hook']);

function renderConfig(config: Record<string, unknown>, context: ConfigRenderContext, file: string, locate: (key: string) => SourceLocation, diagnostics: Diagnostics): Record<string, unknown> {
  const rendered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    // Hooks are rendered when they run, with `this` (dbt leaves them to late rendering too).
    if (LATE_RENDERED.has(key)) {
      rendered[key] = value;
      continue;
    }
    try {
      rendered[key] = renderTree(value, (text) => renderConfigString(text, context, file, ['config', key]));
    } catch (error) {
      if (!(error instanceof KpiError)) throw error;
      diagnostics.error(error.code, error.message, locate(key), error.hint);
      rendered[key] = value;
    }
  }
  return rendered;
}

/** What dbt leaves for later in a column: its description (docs) and tests (rendered when built). */
const COLUMN_NOT_RENDERED = new Set(['name', 'description', 'tests', 'data_tests']);

/** A column's properties rendered (`data_type: "{{ 'integer' if ... }}"`, which a contract builds with). */
function renderColumn<T extends object>(column: T, context: ConfigRenderContext, file: string, locate: () => SourceLocation, diagnostics: Diagnostics): T {
  const rendered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(column)) {
    if (COLUMN_NOT_RENDERED.has(key)) {
      rendered[key] = value;
      continue;
    }
    try {
      rendered[key] = renderTree(value, (text) => renderConfigString(text, context, file, ['columns', key]));
    } catch (error) {
      if (!(error instanceof KpiError)) throw error;
      diagnostics.error(error.code, error.message, locate(), error.hint);
      rendered[key] = value;
    }
  }
  return rendered as T;
}

/**
 * dbt renders Jinja in property YAML (its schema YAML renderer: everything but descriptions
 * and tests, which are rendered later, and hooks, rendered when they run), with `target`, `var` and `env_var` in scope: a seed's
 * `config: column_types: {x: "{{ ... }}"}` or a unit test's `config: tags: "{{ ... }}"`.
 * This renders the `config:` of models, seeds, snapshots, analyses and unit tests, and the
 * properties of their columns (a contract's `data_type`), in place.
 */
export function renderPropertyConfigs(properties: PropertyFiles, context: ConfigRenderContext, diagnostics: Diagnostics): void {
  for (const patch of properties.nodes) {
    patch.config = renderConfig(patch.config, context, patch.file, patch.configLocation, diagnostics);
    for (const [name, column] of Object.entries(patch.columns)) patch.columns[name] = renderColumn(column, context, patch.file, () => patch.location, diagnostics);
  }
  for (const unitTest of properties.unitTests) {
    const config = unitTest.spec.config;
    if (!isPlainObject(config)) continue;
    unitTest.spec = { ...unitTest.spec, config: renderConfig(config, context, unitTest.file, (key) => unitTest.yaml.locate([...unitTest.path, 'config', key]), diagnostics) };
  }
}
