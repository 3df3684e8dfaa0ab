import type { Connection } from '../adapter.js';
import { qualified } from '../quote.js';
import { ask, type CatalogQuery, type CatalogRelation, type CatalogRow } from './catalog-query.js';

/** A table constraint (primary key, unique, foreign key, check, exclusion), as pg_constraint holds it. */
export interface CatalogConstraint {
  name: string;
  /** pg_constraint.contype: `p` primary key, `u` unique, `f` foreign key, `c` check, `x` exclusion. */
  type: string;
  /** pg_get_constraintdef: `PRIMARY KEY (id)`, `FOREIGN KEY (customer_id) REFERENCES customers(id)`. */
  definition: string;
  /** The columns it covers, in the constraint's order. */
  columns: string[];
  /** Foreign keys: the referenced table and columns. */
  references: { schema: string; identifier: string; columns: string[] } | null;
}

/** A foreign key of another table that references a relation, with what it takes to add it again. */
export interface ReferencingForeignKey {
  schema: string;
  table: string;
  name: string;
  definition: string;
}

const COLUMNS_OF = (table: string, attnums: string) =>
  `coalesce((select json_agg(a.attname order by k.ord) from unnest(${attnums}) with ordinality k(attnum, ord) join pg_attribute a on a.attrelid = ${table} and a.attnum = k.attnum), '[]')`;

const CONSTRAINTS_SQL = `
select c.conname as name, c.contype::text as type, pg_get_constraintdef(c.oid) as definition,
  ${COLUMNS_OF('c.conrelid', 'c.conkey')} as columns,
  rn.nspname as ref_schema, r.relname as ref_table,
  case when c.contype = 'f' then ${COLUMNS_OF('c.confrelid', 'c.confkey')} end as ref_columns
from pg_constraint c
left join pg_class r on r.oid = c.confrelid
left join pg_namespace rn on rn.oid = r.relnamespace
where c.conrelid = to_regclass($1)
order by c.contype, c.conname`;

const REFERENCING_SQL = `
select n.nspname as schema, t.relname as table, c.conname as name, pg_get_constraintdef(c.oid) as definition
from pg_constraint c
join pg_class t on t.oid = c.conrelid
join pg_namespace n on n.oid = t.relnamespace
where c.contype = 'f' and c.confrelid = to_regclass($1) and c.conrelid <> c.confrelid
order by n.nspname, t.relname, c.conname`;

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return (JSON.parse(value) as unknown[]).map(String);
  return [];
}

function readConstraint(row: CatalogRow): CatalogConstraint {
  return {
    name: String(row.name),
    type: String(row.type),
    definition: String(row.definition),
    columns: list(row.columns),
    references: row.ref_table ? { schema: String(row.ref_schema), identifier: String(row.ref_table), columns: list(row.ref_columns) } : null,
  };
}

/** The constraints of a table (none when there is none), by type and name. Temporary tables are `pg_temp`'s. */
export function relationConstraintsQuery(relation: CatalogRelation): CatalogQuery<CatalogConstraint[]> {
  return { sql: CONSTRAINTS_SQL, params: [qualified(relation.schema, relation.identifier)], read: (rows) => rows.map(readConstraint) };
}

export function relationConstraints(connection: Connection, relation: CatalogRelation): Promise<CatalogConstraint[]> {
  return ask(connection, relationConstraintsQuery(relation));
}

/** The foreign keys of other tables that reference a relation: replacing or truncating it must take them off and put them back. */
export function referencingForeignKeysQuery(relation: CatalogRelation): CatalogQuery<ReferencingForeignKey[]> {
  return {
    sql: REFERENCING_SQL,
    params: [qualified(relation.schema, relation.identifier)],
    read: (rows) => rows.map((row) => ({ schema: String(row.schema), table: String(row.table), name: String(row.name), definition: String(row.definition) })),
  };
}

export function referencingForeignKeys(connection: Connection, relation: CatalogRelation): Promise<ReferencingForeignKey[]> {
  return ask(connection, referencingForeignKeysQuery(relation));
}
