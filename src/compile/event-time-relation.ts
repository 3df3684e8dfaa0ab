import { quoteIdentifier } from '../adapters/quote.js';
import { Relation } from '../adapters/relation.js';

/** One batch: rows with start <= event_time < end. */
export interface BatchWindow {
  start: Date;
  end: Date;
}

/** A time as SQL and templates see it: '2024-10-01 00:00:00+00:00' (what Python prints for a UTC datetime). */
export function sqlTime(time: Date): string {
  return `${time.toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
}

/** A plain column name is quoted; anything else (an expression) is used as the config gives it, as dbt does. */
function columnSql(column: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(column) ? quoteIdentifier(column) : column;
}

/**
 * `ref()` / `source()` of an input that declares `event_time`, while a microbatch model
 * compiles one batch. It renders as the name of a CTE holding only the batch's rows, and
 * the compiler puts that CTE in front of the model. dbt renders an inline subquery with
 * its own alias instead, which breaks `from {{ ref('x') }} as x` on Postgres
 * (dbt-labs/dbt-adapters#658); a CTE name takes an alias like any table. As in dbt,
 * `{{ ref('x').render() }}` opts out and names the whole relation.
 */
export class EventTimeRelation extends Relation {
  constructor(
    base: Relation,
    readonly eventTime: string,
    readonly window: BatchWindow,
    readonly cteName: string,
  ) {
    super({ database: base.database, schema: base.schema, identifier: base.identifier }, base.type);
  }

  override toString(): string {
    return quoteIdentifier(this.cteName);
  }

  /** The CTE the model reads this input through (injectCtes quotes the name). */
  cte(): { name: string; sql: string } {
    const column = columnSql(this.eventTime);
    return {
      name: this.cteName,
      sql: `select * from ${this.render()}\nwhere ${column} >= '${sqlTime(this.window.start)}' and ${column} < '${sqlTime(this.window.end)}'`,
    };
  }
}

/**
 * The relation a ref or source resolves to: filtered to the batch when one is being
 * compiled and the input declares event_time. `filtered` collects them (once each) for
 * the compiler to define as CTEs.
 */
export function filterByEventTime(relation: Relation, eventTime: unknown, window: BatchWindow | undefined, filtered: EventTimeRelation[] | undefined): Relation {
  if (!window || !filtered || typeof eventTime !== 'string' || !eventTime.trim()) return relation;
  const known = filtered.find((item) => item.schema === relation.schema && item.identifier === relation.identifier);
  if (known) return known;
  const base = `__kpi_batch__${relation.identifier ?? ''}`;
  // Two inputs with one name (a ref and a source, say) get distinct CTEs.
  const name = filtered.some((item) => item.cteName === base) ? `${base}_${filtered.length + 1}` : base;
  const relationInBatch = new EventTimeRelation(relation, eventTime.trim(), window, name);
  filtered.push(relationInBatch);
  return relationInBatch;
}

/**
 * A ref or source under `--empty`: dbt's `render_limited` with limit 0, a subquery that
 * reads no rows under an alias of its own (`_dbt_limit_subq_<name>`), so the model's SQL
 * runs and builds its relation with its columns and no rows. `{{ x.render() }}` names the
 * relation itself, as in dbt.
 */
export class EmptyRelation extends Relation {
  constructor(base: Relation) {
    super({ database: base.database, schema: base.schema, identifier: base.identifier }, base.type);
  }

  override toString(): string {
    return `(select * from ${this.render()} where false limit 0) ${quoteIdentifier(`_dbt_limit_subq_${this.identifier ?? ''}`)}`;
  }
}
