import { Relation, type RelationType } from '../adapters/relation.js';
import { Column } from './column.js';
import { namedArgs } from './keyword-args.js';

/** `api.Relation` and `api.Column`: building relations and columns from templates. */
export function buildApiContext(): Record<string, unknown> {
  return {
    Relation: {
      create: (...args: unknown[]) => {
        const { database, schema, identifier, type } = namedArgs(args, ['database', 'schema', 'identifier', 'type']);
        return new Relation({ database: (database ?? null) as string | null, schema: (schema ?? null) as string | null, identifier: (identifier ?? null) as string | null }, (type ?? null) as RelationType);
      },
      add_ephemeral_prefix: (name: unknown) => `__dbt__cte__${String(name)}`,
    },
    Column: {
      create: (name: string, dataType: string) => Column.create(name, dataType),
      translate_type: (dtype: string) => Column.translate_type(dtype),
      numeric_type: (dtype: string, precision: unknown, scale: unknown) => Column.numeric_type(dtype, precision, scale),
      string_type: (size: number) => Column.string_type(size),
      from_description: (name: string, rawType: string) => Column.from_description(name, rawType),
    },
  };
}
