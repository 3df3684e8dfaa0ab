import { quoteIdentifier } from '../adapters/quote.js';

const LEADING_WITH = /^((?:\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)*)with(\s+recursive)?\s/i;

/**
 * Put ephemeral models in front of a query as CTEs. A query that already opens with
 * `with` gets them prepended to its own list, so the result is still one statement.
 */
export function injectCtes(sql: string, ctes: ReadonlyArray<{ name: string; sql: string }>): string {
  if (ctes.length === 0) return sql;
  const definitions = ctes.map((cte) => `${quoteIdentifier(cte.name)} as (\n${cte.sql.trim()}\n)`).join(',\n');
  const match = LEADING_WITH.exec(sql);
  if (match) {
    const rest = sql.slice(match[0].length);
    return `${match[1]}with${match[2] ?? ''} ${definitions},\n${rest}`;
  }
  return `with ${definitions}\n${sql}`;
}
