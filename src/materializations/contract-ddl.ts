/**
 * The DDL of a model with an enforced contract: dbt-postgres's constraint clauses
 * (`render_column_constraint`, `render_model_constraint`), the table built in the
 * contract's column order (`createContractedTable`), the foreign keys on other tables
 * taken off and put back around a swap. Pure functions of the node and SQL text.
 */
import { qualified, quoteIdentifier } from '../adapters/quote.js';
import type { CatalogConstraint, ReferencingForeignKey } from '../adapters/catalog.js';
import type { ColumnConstraint, ColumnInfo, ManifestNode, ModelConstraint } from '../manifest/types.js';
import { createTableAs, q, type RelationName } from './ddl.js';

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** A contract column's name as dbt renders it: quoted when `quote: true`, as written otherwise (quoted only where SQL could not read it bare). */
export function contractColumnName(column: Pick<ColumnInfo, 'name' | 'quote'>): string {
  return column.quote || !PLAIN_NAME.test(column.name) ? quoteIdentifier(column.name) : column.name;
}

/** dbt's type aliases (`alias_types`, on by default): the warehouse-neutral `string` is Postgres's text. */
export function contractDataType(node: ManifestNode, dataType: string): string {
  const aliases = node.contract?.alias_types ?? true;
  return aliases && dataType.trim().toLowerCase() === 'string' ? 'text' : dataType;
}

const prefix = (constraint: ColumnConstraint) => (constraint.name ? `constraint ${quoteIdentifier(constraint.name)} ` : '');

/** What a foreign key references: the resolved `to` with its columns, or the older `expression` as written. */
function references(constraint: ColumnConstraint): string | null {
  if (constraint.to && constraint.to_relation) return `references ${constraint.to_relation} (${(constraint.to_columns ?? []).map((column) => contractColumnName({ name: column })).join(', ')})`;
  if (constraint.expression) return `references ${constraint.expression}`;
  return null;
}

/** dbt's render_model_constraint, which column-level constraints go through too (on their one column); not_null is `alterClauses`'. */
export function renderModelConstraint(constraint: ModelConstraint): string | null {
  const columns = constraint.columns.map((column) => contractColumnName({ name: column })).join(', ');
  const expression = constraint.expression ? ` ${constraint.expression}` : '';
  switch (constraint.type) {
    case 'check':
      return constraint.expression ? `${prefix(constraint)}check (${constraint.expression})` : null;
    case 'unique':
      return `${prefix(constraint)}unique${expression} (${columns})`;
    case 'primary_key':
      return `${prefix(constraint)}primary key${expression} (${columns})`;
    case 'foreign_key': {
      if (constraint.to && constraint.to_relation) return `${prefix(constraint)}foreign key (${columns}) ${references(constraint)}`;
      return constraint.expression ? `${prefix(constraint)}foreign key (${columns}) references ${constraint.expression}` : null;
    }
    case 'custom':
      return constraint.expression ? `${prefix(constraint)}${constraint.expression}` : null;
    case 'not_null':
      return null;
  }
}

/** A contract column's value in the build: cast where the contract's type has a modifier (`varchar(20)`), which the SELECT's type lacks. */
function selectColumn(node: ManifestNode, column: ColumnInfo): string {
  const name = contractColumnName(column);
  const type = contractDataType(node, column.data_type ?? '');
  return /[()]/.test(type) ? `cast(${name} as ${type}) as ${name}` : name;
}

/** The model's constraints, column-level ones as the model-level constraint on their column. */
function allConstraints(node: ManifestNode): ModelConstraint[] {
  const columnLevel = Object.values(node.columns).flatMap((column) => (column.constraints ?? []).map((constraint): ModelConstraint => ({ ...constraint, columns: [column.name] })));
  return [...columnLevel, ...(node.constraints ?? [])];
}

/** What `alter table` adds for one constraint; a not_null (model- or column-level) sets its columns not null. */
function alterClauses(constraint: ModelConstraint): string[] {
  if (constraint.type === 'not_null') return constraint.columns.map((column) => `alter column ${contractColumnName({ name: column })} set not null`);
  const rendered = renderModelConstraint(constraint);
  return rendered ? [`add ${rendered}`] : [];
}

/**
 * A contracted build's statements, the model's contract checked beforehand
 * (`checkContract`): the table is made from the model's rows in the contract's column
 * order, then ONE `alter table` adds its not null, check, primary key and unique
 * constraints (one pass over the rows, one build of each index). dbt-postgres creates the
 * table with its constraints and inserts the rows; the result is the same table, and a
 * violation fails the build the same way, but `create table as` may run in parallel and an
 * insert may not, and a check per inserted row costs more than one pass (the KPI mart's
 * tables hold hundreds of thousands of rows). Foreign keys come last (`addContractForeignKeys`).
 */
export function createContractedTable(relation: RelationName, node: ManifestNode, sql: string, options: { unlogged?: boolean } = {}): { create: string; constraints: string | null; select: string } {
  const select = `select ${Object.values(node.columns)
    .map((column) => selectColumn(node, column))
    .join(', ')}\nfrom (\n${sql}\n) as model_subq`;
  const create = createTableAs(relation, select, options);
  const clauses = allConstraints(node)
    .filter((constraint) => constraint.type !== 'foreign_key')
    .flatMap(alterClauses);
  return { create, constraints: clauses.length > 0 ? `alter table ${q(relation)}\n  ${clauses.join(',\n  ')}` : null, select };
}

/**
 * The model's foreign keys, on the table under its own name: added as the last statements
 * of the build's transaction, because adding one locks the referenced table against other
 * foreign keys being added to it until the transaction ends, and the mart's tables all
 * reference the same dimensions (added earlier, models building in parallel would wait
 * for one another's whole build).
 */
export function addContractForeignKeys(relation: RelationName, node: ManifestNode, options: { named?: boolean } = {}): string[] {
  if (!node.contract?.enforced) return [];
  return allConstraints(node)
    .filter((constraint) => constraint.type === 'foreign_key')
    .map((constraint) => (options.named && !constraint.name ? { ...constraint, name: foreignKeyName(relation.identifier, constraint.columns) } : constraint))
    .flatMap(alterClauses)
    .map((clause) => `alter table ${q(relation)} ${clause}`);
}

/**
 * The name Postgres gives a foreign key of `table` on `columns` (`orders_customer_id_fkey`),
 * for where it must be given: Postgres would pick another while a replaced table that keeps
 * its keys until after the swap (on Citus, which renames none of them) holds this one.
 */
export function foreignKeyName(table: string, columns: readonly string[]): string {
  return `${table}_${columns.join('_')}_fkey`.slice(0, 63);
}

/** dbt's get_empty_schema_sql: a query whose columns are the contract's, typed by the database itself (so `int` is `integer`). */
export function emptySchemaSql(node: ManifestNode): string {
  const columns = Object.values(node.columns).map((column) => `cast(null as ${contractDataType(node, column.data_type ?? '')}) as ${contractColumnName(column)}`);
  return `select\n    ${columns.join(',\n    ')}`;
}

/**
 * Postgres names a constraint after its table, so those of a table built under its
 * temporary name carry that name: after the swap they are renamed as if the table had
 * been created under its own (`orders_pkey`, `orders_customer_id_fkey`). Names the user
 * gave are kept.
 */
export function renameConstraints(target: RelationName, temporaryIdentifier: string, constraints: readonly CatalogConstraint[], options: { byIndex?: boolean } = {}): string[] {
  return constraints
    .filter((constraint) => constraint.name.startsWith(`${temporaryIdentifier}_`))
    .filter((constraint) => !options.byIndex || INDEX_BACKED.includes(constraint.type))
    .map((constraint) => {
      const renamed = `${target.identifier}${constraint.name.slice(temporaryIdentifier.length)}`.slice(0, 63);
      // Renaming a key's index renames the key: the one rename Citus propagates to a distributed table's shards.
      if (options.byIndex) return `alter index ${qualified(target.schema, constraint.name)} rename to ${quoteIdentifier(renamed)}`;
      return `alter table ${q(target)} rename constraint ${quoteIdentifier(constraint.name)} to ${quoteIdentifier(renamed)}`;
    });
}

/** Constraints that are an index by the same name (primary key, unique, exclusion). */
const INDEX_BACKED = ['p', 'u', 'x'];

/** Other tables' foreign keys on a table about to be replaced or truncated: dropped first (never `cascade`), ... */
export function dropForeignKeys(keys: readonly ReferencingForeignKey[]): string[] {
  return keys.map((key) => `alter table ${q({ schema: key.schema, identifier: key.table })} drop constraint ${quoteIdentifier(key.name)}`);
}

/** ... and added again once it is back, which checks every row against the new one. */
export function addForeignKeys(keys: readonly ReferencingForeignKey[]): string[] {
  return keys.map((key) => `alter table ${q({ schema: key.schema, identifier: key.table })} add constraint ${quoteIdentifier(key.name)} ${key.definition}`);
}
