import { quoteIdentifier } from '../adapters/quote.js';

/** Types whose statistics only estimate containment and cost the most to gather. */
const DOCUMENT_TYPES = new Set(['json', 'jsonb']);

/**
 * `analyze` for the plans of the models that read the table next in the same run. A
 * json/jsonb document column is left out when the table has one: its statistics serve
 * only containment estimates, and sorting 30,000 sampled documents is most of the analyze
 * (0.6 s of 0.74 s on the KPI dashboard's 234k rows with their payload). A column list
 * also leaves the table's change counter alone, so autovacuum still analyzes every column
 * later on a server. `relation` is SQL (quoted); `type` is format_type's spelling.
 */
export function analyzeStatement(relation: string, columns: ReadonlyArray<{ name: string; type: string }>): string {
  const kept = columns.filter((column) => !DOCUMENT_TYPES.has(column.type));
  if (kept.length === columns.length || kept.length === 0) return `analyze ${relation}`;
  return `analyze ${relation} (${kept.map((column) => quoteIdentifier(column.name)).join(', ')})`;
}
