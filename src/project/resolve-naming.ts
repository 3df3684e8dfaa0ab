import { quoteIdentifier } from '../adapters/quote.js';
import { renderTemplate } from '../template/render-template.js';
import { parseHost, type ParseContext } from './parse-nodes.js';
import type { ManifestNode } from '../manifest/types.js';

const NAMING = `{{ generate_schema_name(__custom_schema, __node) | trim }}\n{{ generate_alias_name(__custom_alias, __node) | trim }}\n{{ generate_database_name(__custom_database, __node) | trim }}`;

/**
 * Where each node is built: dbt's generate_schema_name / generate_alias_name /
 * generate_database_name, which a project overrides by defining a macro of the same name.
 */
export async function resolveNaming(nodes: readonly ManifestNode[], context: ParseContext): Promise<void> {
  const template = context.runtime.template('kpi:naming', NAMING, '<naming>');
  for (const node of nodes) {
    const host = parseHost(context, node, {
      extra: {
        __custom_schema: node.config.schema ?? null,
        __custom_alias: node.config.alias ?? null,
        __custom_database: node.config.database ?? null,
        __node: node,
      },
    });
    const [schema, alias, database] = (await renderTemplate(context.runtime, template, host, node.original_file_path)).split('\n').map((part) => part.trim());
    node.schema = schema || context.target.schema;
    node.alias = alias || node.name;
    node.database = database || context.target.database;
    node.relation_name = node.config.materialized === 'ephemeral' ? null : `${quoteIdentifier(node.schema)}.${quoteIdentifier(node.alias)}`;
  }
}
