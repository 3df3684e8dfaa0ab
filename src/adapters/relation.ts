import { quoteIdentifier } from './quote.js';

export type RelationType = 'table' | 'view' | 'cte' | 'materialized_view' | 'external' | null;

export interface RelationPath {
  database?: string | null;
  schema?: string | null;
  identifier?: string | null;
}

/**
 * A database relation as templates see it (`{{ this }}`, `{{ ref('x') }}`). Renders as
 * `"schema"."identifier"`: on Postgres a relation cannot live in another database, so the
 * database part would only make SQL longer (a deliberate difference from dbt, see docs).
 */
export class Relation {
  readonly database: string | null;
  readonly schema: string | null;
  readonly identifier: string | null;
  readonly type: RelationType;

  constructor(path: RelationPath, type: RelationType = null) {
    this.database = path.database ?? null;
    this.schema = path.schema ?? null;
    this.identifier = path.identifier ?? null;
    this.type = type;
  }

  static create(schema: string | null, identifier: string, type: RelationType = null, database: string | null = null): Relation {
    return new Relation({ database, schema, identifier }, type);
  }

  get name(): string | null {
    return this.identifier;
  }

  get table(): string | null {
    return this.identifier;
  }

  get is_table(): boolean {
    return this.type === 'table';
  }

  get is_view(): boolean {
    return this.type === 'view';
  }

  get is_cte(): boolean {
    return this.type === 'cte';
  }

  /** The parts it has, quoted and dotted, as dbt's BaseRelation.render leaves out a missing one (a schema-only relation is `"schema"`). */
  render(): string {
    if (this.type === 'cte') return quoteIdentifier(this.identifier ?? '');
    return [this.schema, this.identifier]
      .filter((part): part is string => part !== null && part !== '')
      .map(quoteIdentifier)
      .join('.');
  }

  toString(): string {
    return this.render();
  }

  /** dbt's `relation.incorporate(path={...}, type=...)`. */
  incorporate(options: { path?: RelationPath; type?: RelationType } = {}): Relation {
    return new Relation(
      {
        database: options.path?.database ?? this.database,
        schema: options.path?.schema ?? this.schema,
        identifier: options.path?.identifier ?? this.identifier,
      },
      options.type ?? this.type,
    );
  }

  /** dbt's `relation.include(database=False, schema=True)`: parts to render. */
  include(options: { database?: boolean; schema?: boolean; identifier?: boolean } = {}): Relation {
    return new Relation(
      {
        database: options.database === false ? null : this.database,
        schema: options.schema === false ? null : this.schema,
        identifier: options.identifier === false ? null : this.identifier,
      },
      this.type,
    );
  }

  quote(): Relation {
    return this;
  }

  get is_materialized_view(): boolean {
    return this.type === 'materialized_view';
  }

  /** dbt's `relation.replace_path(identifier=...)`. */
  replace_path(path: RelationPath = {}): Relation {
    return this.incorporate({ path });
  }

  /**
   * dbt's `relation.information_schema('columns')`: the database's information schema, which
   * dbt-adapters' InformationSchema renders as `"database".INFORMATION_SCHEMA.columns`.
   */
  information_schema(view?: unknown): Relation {
    return new InformationSchema(this.database, view === null || view === undefined ? null : String(view));
  }

  without_identifier(): Relation {
    return new Relation({ database: this.database, schema: this.schema, identifier: null }, this.type);
  }

  /**
   * A dbt relation is also a mapping of its serialized fields; packages test for one with
   * `obj.get('metadata', {}).get('type', '').endswith('Relation')` (dbt-utils' _is_relation).
   */
  get(key: string, fallback: unknown = null): unknown {
    const fields: Record<string, unknown> = {
      metadata: { type: 'PostgresRelation' },
      path: { database: this.database, schema: this.schema, identifier: this.identifier },
      type: this.type,
      quote_policy: { database: true, schema: true, identifier: true },
      include_policy: { database: false, schema: true, identifier: true },
    };
    return key in fields ? fields[key] : fallback;
  }

  toJSON(): RelationPath & { type: RelationType } {
    return { database: this.database, schema: this.schema, identifier: this.identifier, type: this.type };
  }
}

/** What `relation.information_schema(view)` returns (dbt-adapters' InformationSchema). */
class InformationSchema extends Relation {
  constructor(
    database: string | null,
    readonly information_schema_view: string | null,
  ) {
    super({ database, schema: null, identifier: 'INFORMATION_SCHEMA' }, 'view');
  }

  override render(): string {
    return [this.database === null ? null : quoteIdentifier(this.database), 'INFORMATION_SCHEMA', this.information_schema_view].filter((part) => part !== null).join('.');
  }
}
