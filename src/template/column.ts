import { quoteIdentifier } from '../adapters/quote.js';

const STRING_TYPES = ['text', 'character varying', 'character', 'varchar'];
const INTEGER_TYPES = ['smallint', 'integer', 'bigint', 'smallserial', 'serial', 'bigserial', 'int2', 'int4', 'int8', 'serial2', 'serial4', 'serial8'];
const FLOAT_TYPES = ['real', 'float4', 'float', 'double precision', 'float8', 'double'];

/**
 * A column as `adapter.get_columns_in_relation` returns it, with dbt-postgres' Column
 * helpers: `dtype` is the database's type name, `data_type` the type to cast to (with the
 * length or precision, except for text and unsized varchar, as dbt-postgres writes it).
 */
export class Column {
  /** dbt's Column.TYPE_LABELS: the one portable label Postgres spells differently. */
  static readonly TYPE_LABELS: Record<string, string> = { STRING: 'TEXT' };

  constructor(
    readonly name: string,
    readonly dtype: string,
    readonly char_size: number | null = null,
    readonly numeric_precision: number | null = null,
    readonly numeric_scale: number | null = null,
  ) {}

  static translate_type(dtype: string): string {
    return Column.TYPE_LABELS[String(dtype).toUpperCase()] ?? String(dtype);
  }

  static create(name: string, labelOrType: string): Column {
    return new Column(name, Column.translate_type(labelOrType));
  }

  static string_type(size: number): string {
    return `character varying(${size})`;
  }

  static numeric_type(dtype: string, precision: unknown, scale: unknown): string {
    return precision === null || precision === undefined || scale === null || scale === undefined ? dtype : `${dtype}(${precision},${scale})`;
  }

  /** `numeric(10,2)` or `character varying(20)` into a column, as dbt's Column.from_description. */
  static from_description(name: string, rawType: string): Column {
    const match = /^([^(]+)(?:\(([^)]+)\))?/.exec(rawType);
    const sizes = match?.[2]?.split(',').map((part) => Number(part.trim())) ?? [];
    return new Column(name, (match?.[1] ?? rawType).trim(), sizes.length === 1 ? sizes[0] : null, sizes.length === 2 ? sizes[0] : null, sizes.length === 2 ? sizes[1] : null);
  }

  get column(): string {
    return this.name;
  }

  get data_type(): string {
    const lower = this.dtype.toLowerCase();
    if (lower === 'text' || (lower === 'character varying' && this.char_size === null)) return this.dtype;
    if (this.is_string()) return Column.string_type(this.string_size());
    if (this.is_numeric()) return Column.numeric_type(this.dtype, this.numeric_precision, this.numeric_scale);
    return this.dtype;
  }

  get expanded_data_type(): string {
    return this.data_type;
  }

  get quoted(): string {
    return quoteIdentifier(this.name);
  }

  is_string(): boolean {
    return STRING_TYPES.includes(this.dtype.toLowerCase());
  }

  is_number(): boolean {
    return this.is_integer() || this.is_float() || this.is_numeric();
  }

  is_integer(): boolean {
    return INTEGER_TYPES.includes(this.dtype.toLowerCase());
  }

  is_float(): boolean {
    return FLOAT_TYPES.includes(this.dtype.toLowerCase());
  }

  is_numeric(): boolean {
    return ['numeric', 'decimal'].includes(this.dtype.toLowerCase());
  }

  string_size(): number {
    if (!this.is_string()) throw new Error('Called string_size() on non-string field!');
    return this.dtype.toLowerCase() === 'text' || this.char_size === null ? 256 : this.char_size;
  }

  can_expand_to(other: Column): boolean {
    return this.is_string() && other.is_string() && other.string_size() > this.string_size();
  }

  literal(value: unknown): string {
    return `${String(value)}::${this.data_type}`;
  }

  toString(): string {
    return `<Column ${this.name} (${this.data_type})>`;
  }
}
