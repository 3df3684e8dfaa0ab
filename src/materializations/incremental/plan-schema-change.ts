import { KpiError } from '../../errors.js';
import type { ColumnDiff, RelationColumn, TypeChange } from './diff-columns.js';
import type { OnSchemaChange } from './incremental-config.js';

/** What to change in the table before the new rows go in, and which columns they fill. */
export interface SchemaChangePlan {
  add: RelationColumn[];
  drop: string[];
  retype: TypeChange[];
  /** The columns the strategy writes: the table's own (ignore) or the model's (the other modes). */
  destColumns: string[];
}

function describe(diff: ColumnDiff): string {
  const parts: string[] = [];
  if (diff.added.length > 0) parts.push(`new in the model: ${diff.added.map((column) => `${column.name} (${column.type})`).join(', ')}`);
  if (diff.removed.length > 0) parts.push(`no longer in the model: ${diff.removed.map((column) => column.name).join(', ')}`);
  if (diff.retyped.length > 0) parts.push(`type changed: ${diff.retyped.map((change) => `${change.name} ${change.from} -> ${change.to}`).join(', ')}`);
  return parts.join('; ');
}

/**
 * on_schema_change as dbt-postgres applies it. Bounded varchar columns the model made
 * longer are widened in every mode (dbt's expand_target_column_types); `fail` raises on
 * any other difference, and `ignore` cannot go on when the model dropped a column the
 * table still has (dbt's run fails there too, with a database error).
 */
export function planSchemaChange(
  mode: OnSchemaChange,
  diff: ColumnDiff,
  context: { node: string; table: string; source: readonly RelationColumn[]; target: readonly RelationColumn[] },
): SchemaChangePlan {
  const sourceNames = context.source.map((column) => column.name);
  const fix = "set on_schema_change to 'append_new_columns' or 'sync_all_columns', or rebuild the table with --full-refresh";
  const changed = diff.added.length > 0 || diff.removed.length > 0 || diff.retyped.length > 0;
  switch (mode) {
    case 'ignore': {
      if (diff.removed.length > 0) {
        throw new KpiError(
          'KPI_SCHEMA_CHANGE',
          `${context.table} has column(s) the model no longer returns (${diff.removed.map((column) => column.name).join(', ')}); with on_schema_change='ignore' the new rows cannot be written`,
          {
            node: context.node,
            hint: fix,
          },
        );
      }
      return { add: [], drop: [], retype: diff.widened, destColumns: context.target.map((column) => column.name) };
    }
    case 'fail':
      if (changed) {
        throw new KpiError('KPI_SCHEMA_CHANGE', `the columns of ${context.table} no longer match the model (${describe(diff)}), and on_schema_change='fail'`, { node: context.node, hint: fix });
      }
      return { add: [], drop: [], retype: diff.widened, destColumns: sourceNames };
    case 'append_new_columns':
      return { add: diff.added, drop: [], retype: diff.widened, destColumns: sourceNames };
    case 'sync_all_columns':
      return { add: diff.added, drop: diff.removed.map((column) => column.name), retype: [...diff.widened, ...diff.retyped], destColumns: sourceNames };
  }
}
