import { Relation, type RelationType } from '../adapters/relation.js';
import { Column } from './column.js';
import { namedArgs } from './keyword-args.js';
import { plainValue } from './python-values.js';

/**
 * A name given to api.Relation / api.Column as plain text: a macro's output is a SafeString,
 * which a database driver would send as a JSON object, matching nothing.
 */
function text(value: unknown): string | null {
  return value === null || value === undefined ? null : String(plainValue(value));
}

function number(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(plainValue(value));
}

/** `api.Column(name, dtype, char_size, numeric_precision, numeric_scale)`: dbt's Column class, callable. */
function makeColumn(...args: unknown[]): Column {
  const { column, dtype, char_size, numeric_precision, numeric_scale } = namedArgs(args, ['column', 'dtype', 'char_size', 'numeric_precision', 'numeric_scale']);
  return new Column(text(column) ?? '', text(dtype) ?? '', number(char_size), number(numeric_precision), number(numeric_scale));
}

/** `api.Relation` and `api.Column`: building relations and columns from templates. */
export function buildApiContext(): Record<string, unknown> {
  return {
    Relation: {
      create: (...args: unknown[]) => {
        const { database, schema, identifier, type } = namedArgs(args, ['database', 'schema', 'identifier', 'type']);
        return new Relation({ database: text(database), schema: text(schema), identifier: text(identifier) }, (text(type) ?? null) as RelationType);
      },
      add_ephemeral_prefix: (name: unknown) => `__dbt__cte__${String(name)}`,
    },
    Column: Object.assign(makeColumn, {
      create: (name: string, dataType: string) => Column.create(name, dataType),
      translate_type: (dtype: string) => Column.translate_type(dtype),
      numeric_type: (dtype: string, precision: unknown, scale: unknown) => Column.numeric_type(dtype, precision, scale),
      string_type: (size: number) => Column.string_type(size),
      from_description: (name: string, rawType: string) => Column.from_description(name, rawType),
      TYPE_LABELS: Column.TYPE_LABELS,
    }),
  };
}
