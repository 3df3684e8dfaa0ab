import type { Connection } from '../adapters/adapter.js';
import { quoteIdentifier } from '../adapters/quote.js';
import type { MaterializationContext } from './materialization.js';

/** Types whose statistics only estimate containment and cost the most to gather. */
const DOCUMENT_TYPES = new Set(['json', 'jsonb']);

/**
 * `analyze` for the plans of the models that read the table next in the same run. A
 * json/jsonb document column is left out when the table has one: its statistics serve
 * only containment estimates, and sorting 30,000 sampled documents is most of the analyze
 * (0.6 s of 0.74 s on the KPI dashboard's 234k rows with their payload). A column list
 * also leaves the table's change counter alone, so autovacuum still analyzes every column
 * later on a server.
 */
export function analyzeStatement(relation: string, columns: ReadonlyArray<{ name: string; type: string }>): string {
  const kept = columns.filter((column) => !DOCUMENT_TYPES.has(column.type));
  if (kept.length === columns.length || kept.length === 0) return `analyze ${relation}`;
  return `analyze ${relation} (${kept.map((column) => quoteIdentifier(column.name)).join(', ')})`;
}

async function columnTypes(connection: Connection, relation: string): Promise<Array<{ name: string; type: string }>> {
  const result = await connection.query<{ name: string; type: string }>(
    'select attname as name, format_type(atttypid, null) as type from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum',
    [relation],
  );
  return result.rows;
}

/** Statistics on a freshly filled table (`relation` as SQL, quoted), so the next model is not planned blind. */
export async function analyzeForPlanner(context: Pick<MaterializationContext, 'connection' | 'run'>, relation: string): Promise<void> {
  await context.run(analyzeStatement(relation, await columnTypes(context.connection, relation)));
}
