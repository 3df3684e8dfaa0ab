import type { QueryResult } from '../adapters/adapter.js';
import { answer, citusInstalledQuery, relationColumnsQuery, relationKindQuery, relationsInSchemaQuery, schemasQuery, templateRelationType } from '../adapters/catalog.js';
import { quoteIdentifier } from '../adapters/quote.js';
import { Relation } from '../adapters/relation.js';
import { KpiError } from '../errors.js';
import { AgateTable } from './agate-table.js';
import { Column } from './column.js';
import { namedArgs, splitArgs } from './keyword-args.js';

/**
 * Runs a statement on the node's connection (undefined while parsing, when nothing may run).
 * `log`, when given, is written through the host's log once, when the statement runs.
 */
export type RunSql = (sql: string, params?: unknown[], log?: string) => QueryResult | undefined;

/** What `adapter.dispatch` asks of the macro scope (macro-scope.ts): the implementation to call. */
export interface Dispatcher {
  dispatch(name: string, namespace: string | null, packages?: unknown): (...args: unknown[]) => unknown;
}

/** Wraps a context function so a KpiError it raises survives nunjucks' rewrapping. */
export type Guard = <A extends unknown[], R>(fn: (...args: A) => R) => (...args: A) => R;

/** dbt's behavior flags; kpi has none turned on, so each reads false (and `.no_warn` too). */
const BEHAVIOR = new Proxy(
  {},
  {
    get: () => ({ setting: false, no_warn: false, __bool__: () => false }),
  },
);

function relationArg(value: unknown, method: string): Relation {
  if (!(value instanceof Relation))
    throw new KpiError('KPI_COMPILER_ERROR', `adapter.${method}() needs a relation (from ref(), source(), api.Relation.create() or adapter.get_relation()), got ${String(value)}`);
  return value;
}

function schemaOf(relation: Relation, method: string): string {
  if (!relation.schema) throw new KpiError('KPI_COMPILER_ERROR', `adapter.${method}(): the relation ${relation.render()} has no schema`);
  return quoteIdentifier(relation.schema);
}

/**
 * dbt-postgres' SQL for the adapter methods that create, rename, truncate or drop (dbt's
 * global and Postgres macros: create_schema, drop_schema, drop_relation via get_drop_sql,
 * rename_relation, truncate_relation). A user's macro or hook calling one is the user's
 * explicit act, as in dbt: the statement runs, and is logged.
 */
const MUTATIONS: Record<string, (...args: unknown[]) => string> = {
  create_schema: (relation) => `create schema if not exists ${schemaOf(relationArg(relation, 'create_schema'), 'create_schema')}`,
  drop_schema: (relation) => `drop schema if exists ${schemaOf(relationArg(relation, 'drop_schema'), 'drop_schema')} cascade`,
  drop_relation: (value) => {
    const relation = relationArg(value, 'drop_relation');
    if (relation.type === null)
      throw new KpiError('KPI_COMPILER_ERROR', `Tried to drop relation ${relation.render()}, but its type is null.`, {
        hint: 'drop what adapter.get_relation() or load_relation() found: it knows its type',
      });
    const kind = relation.type === 'materialized_view' ? 'materialized view' : relation.type;
    return `drop ${kind} if exists ${relation.render()} cascade`;
  },
  rename_relation: (from, to) => `alter table ${relationArg(from, 'rename_relation').render()} rename to ${quoteIdentifier(String(relationArg(to, 'rename_relation').identifier))}`,
  truncate_relation: (relation) => `truncate table ${relationArg(relation, 'truncate_relation').render()}`,
};

/** The response half of `adapter.execute(...)`, as dbt's AdapterResponse. */
export function adapterResponse(result: QueryResult): { _message: string; code: string; rows_affected: number } {
  const code = result.command ?? 'OK';
  return { _message: `${code} ${result.rowCount ?? 0}`, code, rows_affected: result.rowCount ?? 0 };
}

/**
 * The `adapter` object templates see: quoting, dispatch, introspection that runs on the
 * node's own connection, and dbt's schema and relation statements for a user's own macros.
 */
export function buildAdapterContext(scope: Dispatcher, runSql: RunSql, guard: Guard, database: string, execute: boolean, citus?: boolean): Record<string, unknown> {
  const columnsOf = (relation: Relation): Column[] => {
    if (!relation || !relation.schema || !relation.identifier) return [];
    const columns = answer(runSql, relationColumnsQuery({ schema: String(relation.schema), identifier: String(relation.identifier) }, { listing: 'standard' }));
    if (!columns) return [];
    return columns.map(({ name, standard }) => new Column(name, standard.dataType, standard.characterMaximumLength, standard.numericPrecision, standard.numericScale));
  };
  const getRelation = (schema: unknown, identifier: unknown): Relation | null => {
    if (schema === null || schema === undefined || identifier === null || identifier === undefined) return null;
    const kind = answer(runSql, relationKindQuery({ schema: String(schema), identifier: String(identifier) }));
    return kind ? Relation.create(String(schema), String(identifier), templateRelationType(kind), database) : null;
  };

  const adapter: Record<string, unknown> = {
    quote: (identifier: unknown) => quoteIdentifier(String(identifier)),
    quote_as_configured: (identifier: unknown) => quoteIdentifier(String(identifier)),
    quote_seed_column: (column: unknown, quote?: unknown) => (quote === false ? String(column) : quoteIdentifier(String(column))),
    type: () => 'postgres',
    behavior: BEHAVIOR,
    dispatch: guard((...args: unknown[]) => {
      const { macro_name, macro_namespace, packages } = namedArgs(args, ['macro_name', 'macro_namespace', 'packages']);
      return scope.dispatch(String(macro_name), (macro_namespace ?? null) as string | null, packages);
    }),
    get_columns_in_relation: guard((relation: Relation) => columnsOf(relation)),
    get_relation: guard((...args: unknown[]) => {
      const { schema, identifier } = namedArgs(args, ['database', 'schema', 'identifier']);
      return getRelation(schema, identifier);
    }),
    get_missing_columns: guard((from: Relation, to: Relation): Column[] => {
      const present = new Set(columnsOf(to).map((column) => column.name));
      return columnsOf(from).filter((column) => !present.has(column.name));
    }),
    list_relations_without_caching: guard((schemaRelation: Relation) => {
      const relations = answer(runSql, relationsInSchemaQuery(String(schemaRelation.schema))) ?? [];
      return relations.map((relation) => Relation.create(schemaRelation.schema, relation.identifier, templateRelationType(relation.kind), database));
    }),
    list_schemas: guard(() => answer(runSql, schemasQuery()) ?? []),
    /** kpi's own: whether the target is a Citus coordinator, for SQL written per engine (false while parsing); the adapter's answer when it has one. */
    is_citus: guard(() => citus ?? answer(runSql, citusInstalledQuery()) ?? false),
    check_schema_exists: guard((...args: unknown[]) => {
      const { schema } = namedArgs(args, ['database', 'schema']);
      return (answer(runSql, schemasQuery()) ?? []).includes(schema as string);
    }),
    /** `adapter.execute(sql, auto_begin=False, fetch=False)` → (response, table). */
    execute: guard((...args: unknown[]) => {
      const { sql, fetch } = namedArgs(args, ['sql', 'auto_begin', 'fetch']);
      const result = runSql(String(sql));
      if (!result) return [{ _message: '', code: '', rows_affected: 0 }, new AgateTable({ rows: [], fields: [] })];
      return [adapterResponse(result), fetch ? new AgateTable(result) : new AgateTable({ rows: [], fields: [] })];
    }),
    expand_target_column_types: () => '',
    ...Object.fromEntries(
      Object.entries(MUTATIONS).map(([name, statement]) => [
        name,
        guard((...args: unknown[]) => {
          // While parsing these return None without looking at their arguments, as dbt's (parse_none).
          if (!execute) return '';
          const { positional } = splitArgs(args);
          const sql = statement(...positional);
          runSql(sql, undefined, `adapter.${name}: ${sql}`);
          return '';
        }),
      ]),
    ),
    /** dbt-postgres: a relation in another database cannot be reached. */
    verify_database: guard((name: unknown) => {
      if (name !== null && name !== undefined && String(name) !== database) {
        throw new KpiError('KPI_COMPILER_ERROR', `Cross-db references not allowed in postgres (${String(name)} vs ${database})`);
      }
      return '';
    }),
    cache_added: () => '',
    cache_dropped: () => '',
    cache_renamed: () => '',
    commit: () => '',
  };
  return adapter;
}

/** `load_relation(relation)`: the relation as it exists in the database, or none. */
export function loadRelation(adapter: Record<string, unknown>, relation: Relation): Relation | null {
  const getRelation = adapter.get_relation as (...args: unknown[]) => Relation | null;
  return getRelation(relation.database, relation.schema, relation.identifier);
}
