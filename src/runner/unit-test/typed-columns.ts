import type { Connection } from '../../adapters/adapter.js';
import { relationColumns, type CatalogRelation } from '../../adapters/catalog.js';
import type { TypedColumn } from './fixture-sql.js';

/**
 * The columns of a relation with their exact types (numeric(10,2), varchar(20)), as dbt's
 * get_columns_in_relation gives them; only the catalog is read, never the relation's rows.
 * None when the relation does not exist.
 */
export async function typedColumns(connection: Connection, relation: CatalogRelation): Promise<TypedColumn[]> {
  return (await relationColumns(connection, relation)).map((column) => ({ name: column.name, type: column.dataType }));
}
