import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KpiError } from '../errors.js';
import { INTERNAL_PACKAGE } from '../template/macro-scope.js';
import { discoverFiles, type DiscoveredFile } from './discover-files.js';
import { extractMacros } from './extract-macros.js';
import type { MacroPatch } from './property-files.js';
import type { MacroDefinition } from '../manifest/types.js';

/** The macros kpi ships (dbt's built-ins: naming, cross-database helpers, materialization pieces). */
export const BUILTIN_MACRO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'include', 'macros');

let builtinCache: MacroDefinition[] | undefined;

export function builtinMacros(): MacroDefinition[] {
  builtinCache ??= macrosFromFiles(discoverFiles(BUILTIN_MACRO_DIR, ['.'], ['.sql']), INTERNAL_PACKAGE, 'include/macros/');
  return builtinCache;
}

export function macrosFromFiles(files: readonly DiscoveredFile[], packageName: string, displayPrefix = ''): MacroDefinition[] {
  const seen = new Map<string, MacroDefinition>();
  for (const file of files) {
    const path = displayPrefix + file.path.replace(/^\.\//, '');
    for (const macro of extractMacros(readFileSync(file.absolute, 'utf8'), path)) {
      if (macro.kind === 'materialization') continue;
      const previous = seen.get(macro.name);
      if (previous) {
        throw new KpiError('KPI_DUPLICATE_NODE', `macro '${macro.name}' is defined twice: here and in ${previous.original_file_path}:${previous.line}`, {
          location: { file: path, line: macro.line },
          hint: 'rename one of them; macro names are global within a package',
        });
      }
      seen.set(macro.name, {
        unique_id: `macro.${packageName}.${macro.name}`,
        name: macro.name,
        package_name: packageName,
        original_file_path: path,
        path: file.pathInFolder,
        macro_sql: macro.sql,
        line: macro.line,
        arguments: macro.arguments.map((name) => ({ name, type: null, description: '' })),
        description: '',
        meta: {},
        depends_on: { macros: [] },
      });
    }
  }
  return [...seen.values()];
}

/** Descriptions and argument docs from property YAML `macros:` entries. */
export function applyMacroPatches(macros: MacroDefinition[], patches: readonly MacroPatch[]): void {
  const byName = new Map(macros.map((macro) => [macro.name, macro]));
  for (const patch of patches) {
    const macro = byName.get(patch.name);
    if (!macro) continue;
    macro.description = patch.description;
    if (patch.arguments.length > 0) macro.arguments = patch.arguments;
  }
}
