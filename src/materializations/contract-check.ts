import { queryColumns, type QueryColumn } from '../adapters/catalog.js';
import { KpiError } from '../errors.js';
import { emptySchemaSql } from './contract-ddl.js';
import type { MaterializationContext } from './materialization.js';

interface Mismatch {
  column_name: string;
  definition_type: string;
  contract_type: string;
  mismatch_reason: string;
}

/** dbt's ContractError.get_mismatches: per SQL column, a type or name mismatch; then the contract's columns the SQL lacks; by name. */
export function contractMismatches(contract: readonly QueryColumn[], definition: readonly QueryColumn[]): Mismatch[] {
  const mismatches: Mismatch[] = [];
  for (const column of definition) {
    const declared = contract.find((other) => other.name === column.name);
    if (!declared) mismatches.push({ column_name: column.name, definition_type: column.dataType, contract_type: '', mismatch_reason: 'missing in contract' });
    else if (declared.dataType !== column.dataType) {
      mismatches.push({ column_name: column.name, definition_type: column.dataType, contract_type: declared.dataType, mismatch_reason: 'data type mismatch' });
    }
  }
  for (const column of contract) {
    if (!definition.some((other) => other.name === column.name)) {
      mismatches.push({ column_name: column.name, definition_type: '', contract_type: column.dataType, mismatch_reason: 'missing in definition' });
    }
  }
  return mismatches.sort((a, b) => (a.column_name < b.column_name ? -1 : a.column_name > b.column_name ? 1 : 0));
}

/** The mismatches as agate prints a table (dbt's message shows one). */
export function mismatchTable(mismatches: readonly Mismatch[]): string {
  const headers = ['column_name', 'definition_type', 'contract_type', 'mismatch_reason'] as const;
  const widths = headers.map((header) => Math.max(header.length, ...mismatches.map((row) => row[header].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, index) => cell.padEnd(widths[index])).join(' | ')} |`;
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...mismatches.map((row) => line(headers.map((header) => row[header])))].join('\n');
}

/**
 * dbt's assert_columns_equivalent: the model's columns (names and types, as the database
 * types its SELECT) must be the contract's, in any order. Checked before anything is
 * built; a mismatch fails the model with dbt's table of differences. Types are compared
 * as Postgres resolves them (`int` and `integer` are one type), without modifiers.
 */
export async function checkContract(context: Pick<MaterializationContext, 'node' | 'connection' | 'sql'>): Promise<void> {
  const { node, connection, sql } = context;
  if (!node.contract?.enforced) return;
  const definition = await queryColumns(connection, sql);
  const contract = await queryColumns(connection, emptySchemaSql(node));
  const mismatches = contractMismatches(contract, definition);
  if (mismatches.length === 0 && contract.length === definition.length) return;
  throw new KpiError(
    'KPI_CONTRACT_FAILED',
    `This model has an enforced contract that failed.\nPlease ensure the name, data_type, and number of columns in your contract match the columns in your model's definition.\n\n${mismatchTable(mismatches)}\n`,
    { node: node.unique_id, location: { file: node.original_file_path }, hint: 'change the model or the columns of its contract so that they agree (a cast in the SELECT fixes a type)' },
  );
}
