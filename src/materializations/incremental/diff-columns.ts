/** A column by name and type (format_type's spelling: valid in DDL as it is). */
export interface RelationColumn {
  name: string;
  type: string;
}

export interface TypeChange {
  name: string;
  from: string;
  to: string;
}

/** How the model's new rows (source) differ from the table (target), column by column. */
export interface ColumnDiff {
  /** In the model's output, not in the table. */
  added: RelationColumn[];
  /** In the table, no longer in the model's output. */
  removed: RelationColumn[];
  /** In both, with a type the table cannot hold as it is. */
  retyped: TypeChange[];
  /**
   * Bounded varchar columns of the table that the model now makes longer. dbt widens these
   * on every incremental run whatever on_schema_change says (expand_target_column_types).
   */
  widened: TypeChange[];
}

interface StringType {
  /** null: unbounded (text, or varchar without a length). */
  length: number | null;
}

function stringType(type: string): StringType | null {
  if (type === 'text' || type === 'character varying') return { length: null };
  const match = /^character varying\((\d+)\)$/.exec(type);
  return match ? { length: Number(match[1]) } : null;
}

/** Whether every value of `source` fits a column of type `target` unchanged. */
function fits(source: StringType, target: StringType): boolean {
  return target.length === null || (source.length !== null && source.length <= target.length);
}

export function diffColumns(source: readonly RelationColumn[], target: readonly RelationColumn[]): ColumnDiff {
  const targetByName = new Map(target.map((column) => [column.name, column]));
  const sourceNames = new Set(source.map((column) => column.name));
  const diff: ColumnDiff = { added: [], removed: target.filter((column) => !sourceNames.has(column.name)), retyped: [], widened: [] };
  for (const column of source) {
    const existing = targetByName.get(column.name);
    if (!existing) {
      diff.added.push(column);
      continue;
    }
    if (existing.type === column.type) continue;
    const from = stringType(existing.type);
    const to = stringType(column.type);
    if (from && to) {
      // A shorter string fits as it is (dbt's can_expand_to); a longer one widens the table's column.
      if (!fits(to, from)) diff.widened.push({ name: column.name, from: existing.type, to: column.type });
      continue;
    }
    diff.retyped.push({ name: column.name, from: existing.type, to: column.type });
  }
  return diff;
}

export function hasSchemaChange(diff: ColumnDiff): boolean {
  return diff.added.length > 0 || diff.removed.length > 0 || diff.retyped.length > 0;
}
