import { closestMatch, KpiError } from '../../errors.js';

/**
 * Config column names → the columns as the model really names them. An unquoted name
 * matches exactly or, failing that, as Postgres folds it (lower case), which is what
 * dbt's raw SQL would have meant; a quoted name (`'"Order ID"'`) matches exactly.
 */
export function matchColumns(names: readonly string[], available: readonly string[], key: string, context: { node: string; model: string; file: string }): string[] {
  return names.map((name) => {
    if (name.startsWith('"')) {
      const bare = name.slice(1, -1).replace(/""/g, '"');
      if (available.includes(bare)) return bare;
    } else {
      if (available.includes(name)) return name;
      if (available.includes(name.toLowerCase())) return name.toLowerCase();
    }
    const match = closestMatch(name.replace(/"/g, ''), available);
    throw new KpiError('KPI_CONFIG_INVALID', `incremental model '${context.model}': ${key} names '${name}', which the model does not return.${match ? ` Did you mean '${match}'?` : ''}`, {
      node: context.node,
      location: { file: context.file },
      hint: `the model returns: ${available.join(', ')}`,
    });
  });
}
