import { quoteIdentifier, quoteLiteral } from '../../adapters/quote.js';
import { KpiError } from '../../errors.js';
import { inferColumnType } from './infer-column-type.js';
import type { Fixture, FixtureRow } from '../../project/unit-tests/types.js';

export interface TypedColumn {
  name: string;
  /** A Postgres type as `format_type` prints it: `integer`, `numeric(10,2)`, `character varying(20)`. */
  type: string;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Every value goes in as a quoted literal cast to its column's type, so Postgres reads
 * it with the type's own input function: '2024-01-01' as a date, '1.50' as numeric(10,2).
 */
function cell(value: unknown, type: string): string {
  return `cast(${value === null || value === undefined ? 'null' : quoteLiteral(textOf(value))} as ${type})`;
}

/**
 * Map each row's keys onto the columns: exactly, else ignoring case (dbt lowercases
 * fixture column names). A key that matches no column is an error naming the columns.
 */
function alignRows(rows: readonly FixtureRow[], columns: readonly TypedColumn[], what: string, fixture: Fixture): Array<Map<string, unknown>> {
  const byName = new Map(columns.map((column) => [column.name, column.name]));
  const byLower = new Map(columns.map((column) => [column.name.toLowerCase(), column.name]));
  return rows.map((row) => {
    const aligned = new Map<string, unknown>();
    for (const [key, value] of Object.entries(row)) {
      const column = byName.get(key) ?? byLower.get(key.toLowerCase());
      if (!column) {
        throw new KpiError('KPI_UNIT_TEST_INVALID', `${what} has a column '${key}', which is not one of its columns: ${columns.map((item) => item.name).join(', ')}`, {
          location: fixture.location,
        });
      }
      aligned.set(column, value);
    }
    return aligned;
  });
}

/** Columns for rows with no relation to copy types from: every key, in order of first use, typed from the values. */
export function inferColumns(fixture: Fixture): TypedColumn[] {
  const names: string[] = [];
  for (const row of fixture.rows) for (const key of Object.keys(row)) if (!names.includes(key)) names.push(key);
  return names.map((name) => ({
    name,
    type: inferColumnType(
      fixture.rows.map((row) => row[name] ?? null),
      fixture.format === 'csv',
    ),
  }));
}

/**
 * A SELECT giving the fixture's rows with exactly `columns` (a column a row leaves out is
 * null), one `union all` branch a row. `format: sql` fixtures are their own query.
 */
export function fixtureSql(fixture: Fixture, columns: readonly TypedColumn[], what: string): string {
  if (fixture.format === 'sql') return fixture.sql ?? '';
  const rows = alignRows(fixture.rows, columns, what, fixture);
  const select = (row: Map<string, unknown> | null) => `select ${columns.map((column) => `${cell(row?.get(column.name) ?? null, column.type)} as ${quoteIdentifier(column.name)}`).join(', ')}`;
  if (rows.length === 0) return `${select(null)} where false`;
  return rows.map(select).join('\nunion all\n');
}
