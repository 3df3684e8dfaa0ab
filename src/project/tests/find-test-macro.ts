import { closestMatch, KpiError, type SourceLocation } from '../../errors.js';
import { splitTopLevel } from '../extract-macros.js';
import type { MacroDefinition } from '../../manifest/types.js';
import { INTERNAL_PACKAGE, type MacroRegistry } from '../../template/macro-scope.js';

export interface TestMacro {
  macro: MacroDefinition;
  /** How the test's SQL calls it: `test_unique` or `dbt_utils.test_equal_rowcount`. */
  callee: string;
}

/** The tests that could have been meant: every `test_*` macro, as a user would name it in YAML. */
function knownTestNames(registry: MacroRegistry, rootPackage: string): string[] {
  const names = new Set<string>();
  for (const pkg of registry.packages) {
    for (const name of registry.names().filter((candidate) => candidate.startsWith('test_'))) {
      if (!registry.findIn(pkg, name)) continue;
      const bare = name.slice('test_'.length);
      names.add(pkg === rootPackage || pkg === INTERNAL_PACKAGE ? bare : `${pkg}.${bare}`);
    }
  }
  return [...names].sort();
}

/**
 * The macro behind a test in YAML, found as dbt finds it: `test_<name>` in the calling
 * package, the root project, then the built-ins (so a project's `{% test unique %}` wins);
 * `pkg.name` in that package. kpi ships dbt-utils' common tests among its built-ins, so
 * `dbt_utils.expression_is_true` works without the package installed.
 */
export function findTestMacro(registry: MacroRegistry, name: string, namespace: string | null, callingPackage: string, location: SourceLocation): TestMacro {
  const macroName = `test_${name}`;
  if (namespace !== null) {
    const inPackage = registry.findIn(namespace, macroName);
    if (inPackage) return { macro: inPackage, callee: `${namespace}.${macroName}` };
    const builtin = registry.hasPackage(namespace) ? undefined : registry.findIn(INTERNAL_PACKAGE, macroName);
    if (builtin) return { macro: builtin, callee: macroName };
  } else {
    const found = registry.find(macroName, callingPackage);
    if (found) return { macro: found, callee: macroName };
  }
  const wanted = namespace ? `${namespace}.${name}` : name;
  const known = knownTestNames(registry, registry.rootPackage);
  // `dbt_utils.expresion_is_true` should still suggest the built-in it almost names.
  const bare = closestMatch(
    name,
    known.filter((candidate) => !candidate.includes('.')),
  );
  const match = closestMatch(wanted, known) ?? (bare && namespace ? `${namespace}.${bare}` : bare);
  throw new KpiError('KPI_TEST_INVALID', `there is no test named '${wanted}'.${match ? ` Did you mean '${match}'?` : ''}`, {
    location,
    hint: `define it with {% test ${name}(model, column_name) %} in a macros/ or tests/generic/ file, or use one of: ${known.join(', ')}`,
  });
}

/** The arguments a test macro cannot do without: declared without a default (`model` is always given). */
export function requiredArguments(macro: MacroDefinition): string[] {
  const header = /\{%-?\s*macro\s+[A-Za-z_][A-Za-z0-9_]*\s*\(([\s\S]*?)\)\s*-?%\}/.exec(macro.macro_sql);
  if (!header) return [];
  return splitTopLevel(header[1])
    .filter((arg) => !arg.includes('=') && !arg.startsWith('*'))
    .map((arg) => arg.trim())
    .filter((arg) => arg.length > 0 && arg !== 'model');
}
