import type { QueryResult } from '../adapters/adapter.js';
import { queryValue } from './agate-values.js';

/**
 * agate's MappedSequence: a list whose items also have names, as a table's rows (keyed by
 * column) and columns (keyed by name) are. Indexable by position and by name, with
 * `keys()`, `values()`, `items()`, `get()` and `dict()`.
 */
export class MappedSequence implements Iterable<unknown> {
  [index: number]: unknown;
  private readonly items_: unknown[];
  private readonly names: string[];

  constructor(names: readonly string[], values: readonly unknown[]) {
    this.items_ = [...values];
    this.names = [...names];
    // Positions and names as properties, so templates can write row[0] and row['name'] (or row.name).
    values.forEach((value, index) => Object.defineProperty(this, index, { value, enumerable: true }));
    names.forEach((name, index) => {
      if (!(name in this)) Object.defineProperty(this, name, { value: values[index], enumerable: false });
    });
  }

  get length(): number {
    return this.items_.length;
  }

  keys(): string[] {
    return [...this.names];
  }

  values(): unknown[] {
    return [...this.items_];
  }

  items(): Array<[string, unknown]> {
    return this.names.map((name, index) => [name, this.items_[index]]);
  }

  get(key: string | number, fallback: unknown = null): unknown {
    if (typeof key === 'number') return key < this.items_.length ? this.items_[key] : fallback;
    const at = this.names.indexOf(key);
    return at < 0 ? fallback : this.items_[at];
  }

  dict(): Record<string, unknown> {
    return Object.fromEntries(this.items());
  }

  [Symbol.iterator](): Iterator<unknown> {
    return this.items_[Symbol.iterator]();
  }

  toString(): string {
    return `<agate.MappedSequence: (${this.items_.map(String).join(', ')})>`;
  }
}

/** One column of a query result: `values()`, `name`, `length`. */
export class AgateColumn {
  constructor(
    readonly name: string,
    private readonly data: unknown[],
  ) {}

  values(): unknown[] {
    return [...this.data];
  }

  values_without_nulls(): unknown[] {
    return this.data.filter((value) => value !== null && value !== undefined);
  }

  get length(): number {
    return this.data.length;
  }
}

export type AgateRow = MappedSequence;

/**
 * What `run_query()` returns: enough of agate's Table for dbt templates — `rows` (each
 * indexable by position and by name), `columns[i].values()`, `columns['name']`,
 * `columns.items()`, `column_names`, `length`, iteration over rows. Values are Python's
 * (agate-values.ts): dates, datetimes and Decimals, as dbt gives them.
 */
export class AgateTable {
  readonly column_names: string[];
  readonly rows: MappedSequence;
  readonly columns: MappedSequence;

  constructor(result: Pick<QueryResult, 'rows' | 'fields'>) {
    this.column_names = result.fields.map((field) => field.name);
    const types = result.fields.map((field) => (field as { dataTypeID?: number }).dataTypeID);
    const rows = result.rows.map(
      (row) =>
        new MappedSequence(
          this.column_names,
          this.column_names.map((name, index) => queryValue(row[name], types[index])),
        ),
    );
    this.rows = new MappedSequence([], rows);
    const columns = this.column_names.map(
      (name, index) =>
        new AgateColumn(
          name,
          rows.map((row) => row.get(index)),
        ),
    );
    this.columns = new MappedSequence(this.column_names, columns);
  }

  get length(): number {
    return this.rows.length;
  }

  print_table(): string {
    return '';
  }

  [Symbol.iterator](): Iterator<unknown> {
    return this.rows[Symbol.iterator]();
  }

  /** Rows as lists of values, as `load_result(...)['data']` gives them. */
  data(): unknown[][] {
    return [...this.rows].map((row) => (row as MappedSequence).values());
  }
}
