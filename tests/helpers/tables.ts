import type { TestDatabase } from './databases.js';

/** Every row of a table, in a stable order (all columns, left to right): two tables compare with toEqual. */
export async function tableRows(db: TestDatabase, schema: string, table: string): Promise<Record<string, unknown>[]> {
  const columns = await db.query<{ n: number }>(`select count(*)::int as n from information_schema.columns where table_schema = $1 and table_name = $2`, [schema, table]);
  const order = Array.from({ length: columns[0].n }, (_, index) => index + 1).join(', ');
  return db.query(`select * from "${schema}"."${table}" order by ${order}`);
}

/** The columns of a table with their types, in order. */
export async function tableColumns(db: TestDatabase, schema: string, table: string): Promise<string[]> {
  const rows = await db.query<{ column: string }>(
    `select a.attname || ' ' || format_type(a.atttypid, a.atttypmod) as column from pg_attribute a
     where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`,
    [`"${schema}"."${table}"`],
  );
  return rows.map((row) => row.column);
}
