/**
 * How a node's table is held on Citus (distributed Postgres), from its configs:
 * `distributed_by` (the distribution column; `colocate_with`, `shard_count` refine it) or
 * `reference: true` (a copy on every node). On a target without Citus the configs are
 * accepted and ignored; where they are set on Citus, every new table kpi builds for the node
 * is distributed the same way while it is still empty, before it is filled.
 */
import { qualified, quoteLiteral } from '../adapters/quote.js';
import { tableDistribution, type CatalogDistribution } from '../adapters/catalog.js';
import type { MaterializationContext } from './materialization.js';
import { KpiError } from '../errors.js';
import type { ManifestNode } from '../manifest/types.js';
import { q, type RelationName } from './ddl.js';

/**
 * The first statements of each kpi transaction on Citus. Adding a foreign key to a reference
 * table (the mart's dimensions) is refused once the transaction has run anything on a
 * distributed table over several connections a node, and distributing the new table already
 * does; sequential mode uses one connection a node throughout. The nodes still work in
 * parallel; the shards on one node are done one after another. A coordinator that holds
 * reference tables too runs their statements in the session itself ("local execution"),
 * after which Citus refuses parallel ones: so every statement goes through connections (and
 * kpi's transactions on Citus read no temporary table alongside a reference table).
 */
export const CITUS_TRANSACTION_SETTINGS = [`set local citus.multi_shard_modify_mode to 'sequential'`, `set local citus.enable_local_execution to off`];

/** Runs `CITUS_TRANSACTION_SETTINGS` where the target has Citus: the first thing in a kpi transaction. */
export async function prepareCitusTransaction(context: Pick<MaterializationContext, 'citus' | 'run'>): Promise<void> {
  if (!context.citus) return;
  for (const sql of CITUS_TRANSACTION_SETTINGS) await context.run(sql);
}

export type Distribution =
  | {
      kind: 'distributed';
      /** The distribution column, as the table names it. */
      column: string;
      /** Another table's name (in the node's schema unless qualified), `default` or `none`; null for Citus's default. */
      colocateWith: string | null;
      shardCount: number | null;
    }
  | { kind: 'reference' };

const COLUMN_NAME = /^(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")$/;
const RELATION_NAME = /^(?:[A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*$/;

function invalid(node: ManifestNode, message: string, hint: string): KpiError {
  return new KpiError('KPI_CONFIG_INVALID', `${node.resource_type} '${node.name}': ${message}`, { node: node.unique_id, location: { file: node.original_file_path }, hint });
}

/** An unquoted name as Postgres folds it; a quoted one as written. */
function columnName(written: string): string {
  return written.startsWith('"') ? written.slice(1, -1).replace(/""/g, '"') : written.toLowerCase();
}

/**
 * The node's distribution, its configs checked (on every target, so a typo does not wait
 * for the cluster); null when it asks for none.
 */
export function resolveDistribution(node: ManifestNode): Distribution | null {
  const { distributed_by: by, colocate_with: colocate, shard_count: shards, reference } = node.config;
  const hint = 'distributed_by: <column> (with colocate_with: <table> or shard_count: <n>), or reference: true';
  if (reference !== undefined && reference !== null && typeof reference !== 'boolean') throw invalid(node, `reference must be true or false, got ${JSON.stringify(reference)}`, hint);
  if (by !== undefined && by !== null && (typeof by !== 'string' || !COLUMN_NAME.test(by.trim()))) {
    throw invalid(node, `distributed_by must name one column of the table, got ${JSON.stringify(by)}`, hint);
  }
  if (colocate !== undefined && colocate !== null && (typeof colocate !== 'string' || !RELATION_NAME.test(colocate))) {
    throw invalid(node, `colocate_with must name a table (or be 'default' or 'none'), got ${JSON.stringify(colocate)}`, hint);
  }
  if (shards !== undefined && shards !== null && (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1 || shards > 64000)) {
    throw invalid(node, `shard_count must be a whole number from 1 to 64000, got ${JSON.stringify(shards)}`, hint);
  }
  const distributed = typeof by === 'string';
  if (reference === true && distributed) throw invalid(node, 'a reference table has no distribution column: set distributed_by or reference: true, not both', hint);
  if (!distributed && (typeof colocate === 'string' || typeof shards === 'number')) {
    throw invalid(node, 'colocate_with and shard_count apply to a distributed table, and distributed_by is not set', hint);
  }
  const named = typeof colocate === 'string' && !['default', 'none'].includes(colocate.toLowerCase());
  if (named && typeof shards === 'number') throw invalid(node, "colocate_with a table takes that table's shard count: set one of colocate_with and shard_count", hint);
  if (reference === true) return { kind: 'reference' };
  if (!distributed) return null;
  return { kind: 'distributed', column: columnName(by.trim()), colocateWith: typeof colocate === 'string' ? colocate : null, shardCount: typeof shards === 'number' ? shards : null };
}

/** The node's distribution where the target has Citus; null elsewhere (the configs do nothing there). */
export function distributionOn(citus: boolean, node: ManifestNode): Distribution | null {
  const distribution = resolveDistribution(node);
  return citus ? distribution : null;
}

/**
 * The statement that makes the empty table `relation` distributed as configured. Colocating
 * with the node's own table is Citus's default group (the same shard count and column type),
 * which is where the table being replaced already is: naming it would fail on a first build.
 */
export function distributeTable(relation: RelationName, distribution: Distribution, own: RelationName): string {
  if (distribution.kind === 'reference') return `select create_reference_table(${quoteLiteral(q(relation))})`;
  const args = [quoteLiteral(q(relation)), quoteLiteral(distribution.column)];
  const colocate = distribution.colocateWith;
  if (colocate !== null) {
    const special = ['default', 'none'].includes(colocate.toLowerCase());
    const table = colocate.includes('.') ? colocate : qualified(own.schema, colocate);
    const self = !special && colocate === own.identifier;
    args.push(`colocate_with => ${quoteLiteral(special ? colocate.toLowerCase() : self ? 'default' : table)}`);
  }
  if (distribution.shardCount !== null) args.push(`shard_count => ${distribution.shardCount}`);
  return `select create_distributed_table(${args.join(', ')})`;
}

/** Whether a table as Citus holds it is what the config asks for (its column and kind; shard counts and groups may differ). */
export function distributionMatches(current: CatalogDistribution, wanted: Distribution | null): boolean {
  if (wanted === null) return current.kind === 'local';
  if (wanted.kind === 'reference') return current.kind === 'reference';
  return current.kind === 'distributed' && current.column === wanted.column && (wanted.shardCount === null || wanted.shardCount === current.shardCount);
}

export function describeDistribution(distribution: CatalogDistribution | Distribution | null): string {
  if (distribution === null || distribution.kind === 'local') return 'a local table';
  if (distribution.kind === 'reference') return 'a reference table';
  return `distributed by ${distribution.column}`;
}

/**
 * Citus finds a row of a distributed table by its distribution column: merge and
 * delete+insert on a key without it would compare every new row with every shard, which
 * Citus refuses for MERGE and which defeats sharding for delete+insert.
 */
export function checkKeyHasDistributionColumn(node: ManifestNode, distribution: Distribution | null, strategy: string, uniqueKey: readonly string[]): void {
  if (distribution?.kind !== 'distributed' || strategy === 'append') return;
  if (uniqueKey.map(columnName).includes(distribution.column)) return;
  throw new KpiError(
    'KPI_CITUS_UNSUPPORTED',
    `model '${node.name}' is distributed by ${distribution.column}, and its ${strategy} unique_key (${uniqueKey.join(', ') || 'none'}) does not include it: Citus can only match rows within a shard`,
    { node: node.unique_id, location: { file: node.original_file_path }, hint: `add ${distribution.column} to unique_key, or distribute the model by a column of its key` },
  );
}

/** Whether the node's table, as it stands, is held as its config says (always, without Citus). */
export async function keepsDistribution(context: Pick<MaterializationContext, 'citus' | 'connection' | 'target'>, wanted: Distribution | null): Promise<boolean> {
  if (!context.citus) return true;
  return distributionMatches(await tableDistribution(context.connection, context.target), wanted);
}
