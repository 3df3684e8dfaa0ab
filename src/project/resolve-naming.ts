import type nunjucks from 'nunjucks';
import { quoteIdentifier } from '../adapters/quote.js';
import { INTERNAL_PACKAGE } from '../template/macro-scope.js';
import { renderTemplate } from '../template/render-template.js';
import { parseHost, type ParseContext } from './parse-nodes.js';
import type { ManifestNode } from '../manifest/types.js';

const NAMING = `{{ generate_schema_name(__custom_schema, __node) | trim }}\n{{ generate_alias_name(__custom_alias, __node) | trim }}\n{{ generate_database_name(__custom_database, __node) | trim }}`;

/**
 * Where each node is built: dbt's generate_schema_name / generate_alias_name /
 * generate_database_name, which a project overrides by defining a macro of the same name.
 */
export async function resolveNaming(nodes: readonly ManifestNode[], context: ParseContext): Promise<void> {
  const builtin = context.staticParser && !context.runtime.macros.all().some((macro) => macro.package_name !== INTERNAL_PACKAGE && NAMING_MACRO.test(macro.name));
  let template: nunjucks.Template | undefined;
  for (const node of nodes) {
    const known = builtin ? builtinNaming(node, context.target) : null;
    if (known) {
      setNaming(node, known, context);
      continue;
    }
    template ??= context.runtime.template('kpi:naming', NAMING, '<naming>');
    const host = parseHost(context, node, {
      extra: {
        __custom_schema: node.config.schema ?? null,
        __custom_alias: node.config.alias ?? null,
        __custom_database: node.config.database ?? null,
        __node: node,
      },
    });
    const [schema, alias, database] = (await renderTemplate(context.runtime, template, host, node.original_file_path)).split('\n').map((part) => part.trim());
    setNaming(node, { schema, alias, database }, context);
  }
}

function setNaming(node: ManifestNode, { schema, alias, database }: Naming, context: ParseContext): void {
  node.schema = schema || context.target.schema;
  node.alias = alias || node.name;
  node.database = database || context.target.database;
  node.relation_name = node.config.materialized === 'ephemeral' ? null : `${quoteIdentifier(node.schema)}.${quoteIdentifier(node.alias)}`;
}

interface Naming {
  schema: string;
  alias: string;
  database: string;
}

/** A macro that decides names, or one `adapter.dispatch` would pick for it (`postgres__generate_schema_name`). */
const NAMING_MACRO = /(^|__)generate_(schema|alias|database)_name$/;

/**
 * What kpi's own naming macros (include/macros/naming.sql) give, without rendering them, for
 * the common case: configs that are text on one line (or absent) and no version. Anything
 * else is rendered (null).
 */
function builtinNaming(node: ManifestNode, target: ParseContext['target']): Naming | null {
  const custom = [node.config.schema, node.config.alias, node.config.database];
  if (!custom.every((value) => value === undefined || value === null || (typeof value === 'string' && !/[\r\n]/.test(value)))) return null;
  if (node.version !== undefined && node.version !== null) return null;
  const [schema, alias, database] = custom as Array<string | null | undefined>;
  return {
    schema: (schema === undefined || schema === null || schema === '' ? target.schema : `${target.schema}_${schema.trim()}`).trim(),
    alias: (alias ? alias.trim() : node.name).trim(),
    database: (database === undefined || database === null ? target.database : database.trim()).trim(),
  };
}
