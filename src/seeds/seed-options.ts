import { KpiError } from '../errors.js';
import type { ManifestNode } from '../manifest/types.js';

/** A seed's configs that shape how its CSV is read and its table made. */
export interface SeedOptions {
  /** One byte (dbt's `delimiter`, default `,`). */
  delimiter: string;
  /** Header name → Postgres type, as written in `column_types`. */
  columnTypes: Record<string, string>;
  /** dbt's `quote_columns`; unset means quoted on Postgres, as dbt's base adapter does. */
  quoteColumns: boolean;
}

/**
 * Type names go into DDL as written, so they must look like a type and nothing more:
 * words (optionally schema-qualified), one `(n)` or `(n, m)`, trailing `[]`s. No quotes,
 * semicolons or comments can get through.
 */
const TYPE_NAME = /^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?( +[A-Za-z_][\w$]*)*( *\( *\d+ *(, *-?\d+ *)?\))?( +[A-Za-z_][\w$]*)*( *\[ *\d* *\])*$/;

function invalid(node: ManifestNode, message: string, hint: string): KpiError {
  return new KpiError('KPI_CONFIG_INVALID', `seed '${node.name}': ${message}`, { node: node.unique_id, location: { file: node.original_file_path }, hint });
}

export function seedOptions(node: ManifestNode): SeedOptions {
  const { delimiter = ',', column_types: columnTypes = {}, quote_columns: quoteColumns } = node.config as { delimiter?: unknown; column_types?: unknown; quote_columns?: unknown };
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter.charCodeAt(0) > 0x7f || /["\r\n]/.test(delimiter)) {
    throw invalid(node, `delimiter must be one character, got ${JSON.stringify(delimiter)}`, "use a single ASCII character other than a quote or a line break, e.g. ';' or '|'");
  }
  if (columnTypes === null || typeof columnTypes !== 'object' || Array.isArray(columnTypes)) {
    throw invalid(node, 'column_types must map column names to types', 'write it as column_types: {column_name: varchar(32)}');
  }
  const types: Record<string, string> = {};
  for (const [column, type] of Object.entries(columnTypes)) {
    if (typeof type !== 'string' || !TYPE_NAME.test(type.trim())) {
      throw invalid(node, `column_types.${column} is ${JSON.stringify(type)}, which is not a type name`, "write a Postgres type such as 'text', 'numeric(12,2)' or 'timestamp with time zone'");
    }
    types[column] = type.trim();
  }
  if (quoteColumns !== undefined && quoteColumns !== null && typeof quoteColumns !== 'boolean') {
    throw invalid(node, `quote_columns must be true or false, got ${JSON.stringify(quoteColumns)}`, 'set quote_columns: true to keep header names as written, false to fold them to lower case');
  }
  return { delimiter, columnTypes: types, quoteColumns: quoteColumns ?? true };
}
