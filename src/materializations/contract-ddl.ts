/**
 * The DDL of a model with an enforced contract, as dbt-postgres writes it
 * (`postgres__create_table_as` with `get_table_columns_and_constraints`): the table is
 * created with the YAML's columns, types and constraints, then filled by an insert of the
 * model's rows in the contract's column order. Pure functions of the node and SQL text.
 */
import { quoteIdentifier } from '../adapters/quote.js';
import type { CatalogConstraint, ReferencingForeignKey } from '../adapters/catalog.js';
import type { ColumnConstraint, ColumnInfo, ManifestNode, ModelConstraint } from '../manifest/types.js';
import { q, type RelationName } from './ddl.js';

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

/** dbt's render_column_constraint, for Postgres (every type enforced). */
export function renderColumnConstraint(constraint: ColumnConstraint): string | null {
  const expression = constraint.expression ?? '';
  switch (constraint.type) {
    case 'check':
      return expression ? `${prefix(constraint)}check (${expression})` : null;
    case 'not_null':
      return `${prefix(constraint)}not null ${expression}`.trim();
    case 'unique':
      return `${prefix(constraint)}unique ${expression}`.trim();
    case 'primary_key':
      return `${prefix(constraint)}primary key ${expression}`.trim();
    case 'foreign_key': {
      const clause = references(constraint);
      return clause ? `${prefix(constraint)}${clause}` : null;
    }
    case 'custom':
      return expression || null;
  }
}

/** dbt's render_model_constraint. A model-level not_null is put on its columns instead (`contractColumns`). */
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

/** Constraints that need an index or another table (primary key, unique, foreign key): added once the rows are in. */
const KEYS = new Set(['primary_key', 'unique', 'foreign_key']);

/** Each contract column's definition: name, type, then its row-level constraints (not null, check) in the YAML's order. */
function columnDefinitions(node: ManifestNode): string[] {
  const notNull = new Set((node.constraints ?? []).filter((constraint) => constraint.type === 'not_null').flatMap((constraint) => constraint.columns));
  return Object.values(node.columns).map((column) => {
    const parts = [contractColumnName(column), contractDataType(node, column.data_type ?? '')];
    for (const constraint of column.constraints ?? []) {
      const rendered = KEYS.has(constraint.type) ? null : renderColumnConstraint(constraint);
      if (rendered) parts.push(rendered);
    }
    if (notNull.has(column.name) && !(column.constraints ?? []).some((constraint) => constraint.type === 'not_null')) parts.push('not null');
    return parts.join(' ');
  });
}

/** The key constraints, column-level ones as the model-level constraint on that one column. */
function keyConstraints(node: ManifestNode): string[] {
  const columnKeys = Object.values(node.columns).flatMap((column) =>
    (column.constraints ?? []).filter((constraint) => KEYS.has(constraint.type)).map((constraint): ModelConstraint => ({ ...constraint, columns: [column.name] })),
  );
  const modelKeys = (node.constraints ?? []).filter((constraint) => KEYS.has(constraint.type));
  // Postgres takes one primary key: a column-level one and a model-level one would be two.
  return [...columnKeys, ...modelKeys].flatMap((constraint) => renderModelConstraint(constraint) ?? []);
}

/**
 * A contracted build's statements: `create table` with the contract's columns, types and
 * row-level constraints (not null, check); the insert of the model's rows in the
 * contract's order; then the primary key, unique and foreign key constraints. dbt-postgres
 * declares those in the `create table` too; added after the insert, each builds its index
 * once and checks a foreign key with one join instead of once a row (the KPI mart's tables
 * hold hundreds of thousands of rows), and a violation fails the build the same way.
 */
export function createContractedTable(relation: RelationName, node: ManifestNode, sql: string, options: { unlogged?: boolean } = {}): { create: string; insert: string; keys: string[] } {
  const definitions = [...columnDefinitions(node), ...(node.constraints ?? []).flatMap((constraint) => (KEYS.has(constraint.type) ? [] : (renderModelConstraint(constraint) ?? [])))];
  const names = Object.values(node.columns).map(contractColumnName);
  const create = `create ${options.unlogged ? 'unlogged ' : ''}table ${q(relation)} (\n    ${definitions.join(',\n    ')}\n)`;
  const insert = `insert into ${q(relation)} (\n    ${names.join(', ')}\n)\n(\n    select ${names.join(', ')}\n    from (\n${sql}\n    ) as model_subq\n)`;
  return { create, insert, keys: keyConstraints(node).map((constraint) => `alter table ${q(relation)} add ${constraint}`) };
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
export function renameConstraints(target: RelationName, temporaryIdentifier: string, constraints: readonly CatalogConstraint[]): string[] {
  return constraints
    .filter((constraint) => constraint.name.startsWith(`${temporaryIdentifier}_`))
    .map((constraint) => {
      const renamed = `${target.identifier}${constraint.name.slice(temporaryIdentifier.length)}`.slice(0, 63);
      return `alter table ${q(target)} rename constraint ${quoteIdentifier(constraint.name)} to ${quoteIdentifier(renamed)}`;
    });
}

/** Other tables' foreign keys on a table about to be replaced or truncated: dropped first (never `cascade`), ... */
export function dropForeignKeys(keys: readonly ReferencingForeignKey[]): string[] {
  return keys.map((key) => `alter table ${q({ schema: key.schema, identifier: key.table })} drop constraint ${quoteIdentifier(key.name)}`);
}

/** ... and added again once it is back, which checks every row against the new one. */
export function addForeignKeys(keys: readonly ReferencingForeignKey[]): string[] {
  return keys.map((key) => `alter table ${q({ schema: key.schema, identifier: key.table })} add constraint ${quoteIdentifier(key.name)} ${key.definition}`);
}
