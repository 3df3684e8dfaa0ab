import { randomBytes } from 'node:crypto';
import type { Connection } from '../../adapters/adapter.js';
import { quoteIdentifier } from '../../adapters/quote.js';
import { KpiError } from '../../errors.js';
import { StatementError } from '../../adapters/statement-error.js';
import type { ManifestNode } from '../../manifest/types.js';
import { checkFixtureSql } from './check-fixture-sql.js';
import { fixtureSql, type TypedColumn } from './fixture-sql.js';
import { normalizeValue } from './normalize-value.js';
import { typedColumns } from './typed-columns.js';
import type { Fixture } from '../../project/unit-tests/types.js';

export type ComparableRow = Array<string | null>;

export interface Comparison {
  /** The query that produced both sides, as written to target/compiled. */
  sql: string;
  columns: string[];
  actual: ComparableRow[];
  expected: ComparableRow[];
}

const SIDE = '__kpi_unit_side';

/** Wrap a query as a subquery; the newline keeps a trailing `-- comment` from eating the parenthesis. */
function subquery(sql: string, alias: string): string {
  return `(\n${sql.replace(/[\s;]+$/, '')}\n) as ${alias}`;
}

async function run<Row>(connection: Connection, sql: string, params?: unknown[]) {
  try {
    return await connection.query<Row>(sql, params);
  } catch (error) {
    throw StatementError.from(sql, error);
  }
}

/**
 * The model's output columns with their exact types (numeric(10,2), char(3)), read from
 * an empty temporary table: `with no data` plans the query without running it. The
 * table lives in the session's temp schema and is dropped at once.
 */
export async function outputColumns(connection: Connection, actualSql: string): Promise<TypedColumn[]> {
  const table = `__kpi_unit_actual_${randomBytes(6).toString('hex')}`;
  await run(connection, `create temporary table ${quoteIdentifier(table)} as select * from ${subquery(actualSql, 'actual')} with no data`);
  try {
    return await typedColumns(connection, { schema: 'pg_temp', identifier: table });
  } finally {
    await run(connection, `drop table if exists pg_temp.${quoteIdentifier(table)}`);
  }
}

async function queryColumnNames(connection: Connection, sql: string): Promise<string[]> {
  const result = await run(connection, `select * from ${subquery(sql, 'expected')} limit 0`);
  return result.fields.map((field) => field.name);
}

/**
 * Which output columns the comparison uses: those the expected rows name (dbt compares
 * only those), matched exactly or ignoring case; all of them when no row names any.
 */
function comparedColumns(output: readonly TypedColumn[], names: readonly string[], model: ManifestNode, expect: Fixture): TypedColumn[] {
  if (names.length === 0) return [...output];
  return names.map((name) => {
    const column = output.find((candidate) => candidate.name === name) ?? output.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
    if (!column) {
      throw new KpiError('KPI_UNIT_TEST_INVALID', `expect names a column '${name}', which model '${model.name}' does not return (it returns ${output.map((item) => item.name).join(', ')})`, {
        location: expect.location,
      });
    }
    return column;
  });
}

/**
 * Run the model's compiled SQL and the expected rows as one query (`union all`, expected
 * values cast to the model's column types, so both sides share one type a column), and
 * return both sides as comparable text. Nothing is written but a dropped temp table.
 */
export async function fetchComparison(connection: Connection, actualSql: string, expect: Fixture, model: ManifestNode, what: string): Promise<Comparison> {
  const output = await outputColumns(connection, actualSql);
  let names: string[];
  if (expect.format === 'sql') names = await queryColumnNames(connection, expect.sql ?? '');
  else {
    names = [];
    for (const row of expect.rows) for (const key of Object.keys(row)) if (!names.includes(key)) names.push(key);
  }
  const columns = comparedColumns(output, names, model, expect);
  const list = (prefix: string) => columns.map((column) => `${prefix}${quoteIdentifier(column.name)}`).join(', ');
  const expectedSql =
    expect.format === 'sql'
      ? `select ${columns.map((column, index) => `cast(expected.${quoteIdentifier(names[index])} as ${column.type}) as ${quoteIdentifier(column.name)}`).join(', ')} from ${subquery(expect.sql ?? '', 'expected')}`
      : fixtureSql({ ...expect, rows: expect.rows.map((row) => renameKeys(row, names, columns)) }, columns, 'expect');
  await checkFixtureSql(connection, expectedSql, expect, what);
  const separator = columns.length > 0 ? ', ' : '';
  const sql = [
    `select 'actual' as ${SIDE}${separator}${list('actual.')} from ${subquery(actualSql, 'actual')}`,
    'union all',
    `select 'expected' as ${SIDE}${separator}${list('expected.')} from ${subquery(expectedSql, 'expected')}`,
  ].join('\n');
  const result = await run<Record<string, unknown>>(connection, sql);
  const types = new Map(result.fields.map((field) => [field.name, field.dataTypeID]));
  const actual: ComparableRow[] = [];
  const expected: ComparableRow[] = [];
  for (const row of result.rows) {
    const values = columns.map((column) => normalizeValue(row[column.name], types.get(column.name) ?? 0));
    (row[SIDE] === 'actual' ? actual : expected).push(values);
  }
  return { sql, columns: columns.map((column) => column.name), actual, expected };
}

/** Expected rows keyed by the output's spelling of each column (`ID` → `id`). */
function renameKeys(row: Record<string, unknown>, names: readonly string[], columns: readonly TypedColumn[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [columns[names.indexOf(key)]?.name ?? key, value]));
}
