import { buildApiContext } from './api-context.js';
import { PYTHON_BUILTINS } from './python-builtins.js';
import { PYTHON_MODULES } from './python-modules.js';

/**
 * The parts of dbt's context that are the same for every render: Python's builtins,
 * `modules`, `api`. Templates find them through the macro scope (macro-scope.ts), after
 * their own names and the node's context.
 */
export const STATIC_CONTEXT: Readonly<Record<string, unknown>> = Object.freeze({
  ...PYTHON_BUILTINS,
  modules: PYTHON_MODULES,
  api: buildApiContext(),
});
