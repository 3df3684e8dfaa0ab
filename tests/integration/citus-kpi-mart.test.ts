import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, compile, parse, run, seed } from '../../src/api.js';
import { resolveIncrementalConfig } from '../../src/materializations/incremental/incremental-config.js';
import { strategySql } from '../../src/materializations/incremental/strategy-sql.js';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { removeDir } from '../helpers/fixtures.js';
import { addDays, copyKpiProject } from '../helpers/kpi-project.js';

// A leap February, a year end and prior-year figures, for two locations.
const vars = { demo_start_date: '2023-06-01', demo_end_date: '2025-03-10', demo_entities: 2 };

/** The mart's schemas for a target schema: the sandbox, and the demo and analytics ones beside it. */
const martSchemas = (schema: string) => [schema, `${schema}_raw`, `${schema}_analytics`];

/**
 * Every table of the mart's schemas, each row as text, sorted: the build's content, whatever
 * engine made it. Timestamps of the run (updated_at) are left out; floating-point columns
 * are rounded to 9 significant places, since shards may add float8 in another order.
 */
async function contents(db: TestDatabase, schema: string): Promise<Record<string, string[]>> {
  const columns = await db.query<{ schema: string; table: string; column: string; type: string }>(
    `select c.table_schema as schema, c.table_name as table, c.column_name as column, c.data_type as type
     from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
     where c.table_schema = any($1) and t.table_type = 'BASE TABLE' order by 1, 2, c.ordinal_position`,
    [martSchemas(schema)],
  );
  const tables = new Map<string, string[]>();
  for (const column of columns) {
    if (column.type.startsWith('timestamp')) continue;
    const name = `${column.schema.slice(schema.length) || 'sandbox'}.${column.table}`;
    const expression = column.type === 'double precision' || column.type === 'real' ? `to_char("${column.column}", '9.99999999EEEE')` : `"${column.column}"::text`;
    tables.set(name, [...(tables.get(name) ?? []), `coalesce(${expression}, '∅')`]);
  }
  const result: Record<string, string[]> = {};
  for (const [name, expressions] of tables) {
    const [suffix, table] = name.split('.');
    const relation = `"${suffix === 'sandbox' ? schema : schema + suffix}"."${table}"`;
    const rows = await db.query<{ row: string }>(`select concat_ws('|', ${expressions.join(', ')}) as row from ${relation}`);
    result[name] = rows.map((row) => row.row).sort();
  }
  return result;
}

for (const kind of databaseKinds().filter((each) => each === 'citus')) {
  describe('the KPI mart on a Citus cluster', () => {
    let cluster: TestDatabase;
    let single: TestDatabase;
    let dir: string;
    let schema: string;
    beforeAll(async () => {
      cluster = await openTestDatabase(kind);
      // The single server: the Postgres server when there is one, else the embedded database.
      single = await openTestDatabase(process.env.KPI_TEST_PG_URL ? 'postgres' : 'pglite');
      dir = copyKpiProject();
    });
    afterAll(async () => {
      await cluster.close();
      await single.close();
      removeDir(dir);
    });

    it('builds the repository project with only a target, and its tables equal the single-server build row for row', async () => {
      const target = cluster.target();
      schema = target.schema;
      const distributed = await build({ projectDir: dir, targetConfig: target, adapter: cluster.adapter, vars });
      expect(distributed.results.filter((result) => !['success', 'pass'].includes(result.status)).map((result) => `${result.unique_id}: ${result.message}`)).toEqual([]);
      const singleTarget = single.target();
      const alone = await build({ projectDir: dir, targetConfig: singleTarget, adapter: single.adapter, vars });
      expect(alone.success).toBe(true);

      // Distributed as kpi_project.yml declares: facts by entity, in one colocation group; dimensions on every node.
      const held = await cluster.query<{ name: string; method: string; col: string | null; colocation: number }>(
        `select c.relname as name, p.partmethod::text as method, column_to_column_name(p.logicalrelid, p.partkey) as col, p.colocationid as colocation
         from pg_dist_partition p join pg_class c on c.oid = p.logicalrelid where c.relnamespace = $1::regnamespace order by 1`,
        [schema],
      );
      expect(held.map((row) => `${row.name}:${row.method === 'n' ? 'reference' : row.col}`)).toEqual([
        'agg_kpi_dashboard:entity_id',
        'dim_date:reference',
        'dim_entity:reference',
        'dim_kpi:reference',
        'fact_kpi_daily:entity_id',
        'kpi_events:reference',
        'kpi_serving:entity_id',
        'kpi_status_history:entity_id',
        'kpi_threshold_config:reference',
        'kpi_thresholds:entity_id',
      ]);
      expect(new Set(held.filter((row) => row.method === 'h').map((row) => row.colocation)).size).toBe(1);

      const [mine, theirs] = [await contents(cluster, schema), await contents(single, singleTarget.schema)];
      expect(Object.keys(mine).sort()).toEqual(Object.keys(theirs).sort());
      expect(mine['sandbox.fact_kpi_daily'].length).toBeGreaterThan(1000);
      for (const table of Object.keys(theirs)) expect({ table, rows: mine[table] }).toEqual({ table, rows: theirs[table] });
    });

    /** The plan of a model's full build, and how many shards the facts have. */
    async function fullBuildPlan(model: string): Promise<{ plan: string; shards: number }> {
      const compiled = await compile({ projectDir: dir, targetConfig: cluster.target(schema), adapter: cluster.adapter, vars, select: [model], fullRefresh: true });
      const sql = compiled.find((node) => node.name === model)?.sql ?? '';
      expect(sql).not.toBe('');
      const plan = (await cluster.query<{ 'QUERY PLAN': string }>(`explain ${sql}`)).map((row) => row['QUERY PLAN']).join('\n');
      const shards = await cluster.query<{ n: number }>(`select count(*)::int as n from pg_dist_shard where logicalrelid = $1::regclass`, [`"${schema}".fact_kpi_daily`]);
      return { plan, shards: shards[0].n };
    }

    /** One task a shard of the facts, and no step of the plan that moves rows between nodes. */
    function expectPerShard(plan: string, shards: number, what: string): void {
      expect({ what, tasks: plan.match(/Task Count: \d+/g) }).toEqual({ what, tasks: [`Task Count: ${shards}`] });
      expect({ what, scans: plan.match(/Custom Scan \(Citus Adaptive\)/g)?.length }).toEqual({ what, scans: 1 });
      expect({ what, moved: plan.match(/Subplan|Repartition|MapMergeJob|intermediate_result|Pull to coordinator/gi) }).toEqual({ what, moved: null });
    }

    for (const model of ['agg_kpi_dashboard', 'kpi_thresholds']) {
      it(`runs ${model}'s full build inside each shard: no repartition, nothing pulled to the coordinator`, async () => {
        const { plan, shards } = await fullBuildPlan(model);
        expectPerShard(plan, shards, model);
      });
    }

    // The daily run: one new day in the sources, then each of the mart's incremental models
    // compiled against its built table (is_incremental() true) and explained as kpi runs it:
    // its rows into a staging table colocated with it, then the strategy's statements from
    // there into the table. Each model is run before the next is compiled, as in a build.
    it("runs each of the mart's daily increments inside each shard: its rows and the strategy's statements", async () => {
      const next = { ...vars, demo_end_date: addDays(vars.demo_end_date, 1) };
      const target = cluster.target(schema);
      const options = { projectDir: dir, targetConfig: target, adapter: cluster.adapter, vars: next };
      const failures = (summary: Awaited<ReturnType<typeof run>>) => summary.results.filter((result) => result.status !== 'success').map((result) => `${result.unique_id}: ${result.message}`);
      expect(failures(await run({ ...options, select: ['+agg_daily_revenue'] }))).toEqual([]);
      const { manifest } = await parse(options);
      const explain = async (sql: string) => (await cluster.query<{ 'QUERY PLAN': string }>(`explain ${sql}`)).map((row) => row['QUERY PLAN']).join('\n');
      const shards = (await cluster.query<{ n: number }>(`select count(*)::int as n from pg_dist_shard where logicalrelid = $1::regclass`, [`"${schema}".fact_kpi_daily`]))[0].n;

      for (const model of ['fact_kpi_daily', 'agg_kpi_dashboard', 'kpi_thresholds', 'kpi_status_history']) {
        const compiled = await compile({ ...options, select: [model] });
        const sql = compiled.find((node) => node.name === model)?.sql ?? '';
        const table = `"${schema}"."${model}"`;
        const staging = `"${schema}"."${model}__explain"`;
        await cluster.query(`create table ${staging} (like ${table})`);
        await cluster.query(`select create_distributed_table($1, 'entity_id', colocate_with => $2)`, [staging, table]);
        try {
          expectPerShard(await explain(`insert into ${staging}\nselect * from (\n${sql}\n) as model_subq`), shards, `${model}: its rows`);
          const node = Object.values(manifest.nodes).find((each) => each.name === model);
          if (!node) throw new Error(`no node ${model}`);
          const config = resolveIncrementalConfig(node);
          const columns = (
            await cluster.query<{ name: string }>(`select attname as name from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum`, [table])
          ).map((row) => row.name);
          const statements = strategySql(config.apply, {
            target: { schema, identifier: model },
            staging: `${model}__explain`,
            stagingSql: staging,
            columns,
            uniqueKey: config.uniqueKey,
            predicates: config.predicates,
            updateColumns: columns.filter((column) => !config.uniqueKey.includes(column)),
          });
          for (const statement of statements) expectPerShard(await explain(statement), shards, `${model}: ${statement.split('\n')[0]}`);
        } finally {
          await cluster.query(`drop table ${staging}`);
        }
        expect(failures(await run({ ...options, select: [model] }))).toEqual([]);
        const dateColumn = model === 'fact_kpi_daily' ? 'date_key' : 'as_of_date';
        const newest = await cluster.query<{ day: string }>(`select max(${dateColumn})::text as day from ${table}`);
        expect({ model, newest: newest[0].day }).toEqual({ model, newest: next.demo_end_date });
      }
    });
  });
}

// Off Citus the heavy models keep the forms that are faster on one server: the dashboard's
// CTE computed once (`materialized`); the thresholds' KPIs with a second pass and the others as
// two parts that stream (no stored CTE of their rows), joined by a `union all` at the end, with
// the `offset 0` fences that make Postgres compute each part's bounds, signals and statuses once
// a row; and an increment that sums the scored days' baselines (`baseline_sums_one`) instead
// of sliding the windows.
for (const kind of databaseKinds().filter((each) => each !== 'citus')) {
  describe(`the KPI mart's single-server SQL on ${kind}`, () => {
    let db: TestDatabase;
    let dir: string;
    beforeAll(async () => {
      db = await openTestDatabase(kind);
      dir = copyKpiProject();
    });
    afterAll(async () => {
      await db.close();
      removeDir(dir);
    });

    it("keeps the dashboard's materialized CTE, the thresholds' two streaming parts and their fences, and the summed increment", async () => {
      const target = db.target();
      // Compiling reads the facts' date range: the seeds and the facts' parents first.
      const options = { projectDir: dir, targetConfig: target, adapter: db.adapter, vars };
      expect((await seed(options)).success).toBe(true);
      const parents = await run({ ...options, select: ['+fact_kpi_daily', '+kpi_threshold_config'] });
      expect(parents.results.filter((result) => result.status !== 'success').map((result) => `${result.unique_id}: ${result.message}`)).toEqual([]);
      const compiled = await compile({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars, select: ['agg_kpi_dashboard', 'kpi_thresholds'], fullRefresh: true });
      const sql = (model: string) => compiled.find((node) => node.name === model)?.sql ?? '';
      expect(sql('agg_kpi_dashboard')).toMatch(/computed as materialized\s+\(/);
      expect(sql('kpi_thresholds')).not.toMatch(/\bas materialized\b/);
      expect(sql('kpi_thresholds')).toMatch(/\bbaselines_one as \([\s\S]*\bbaselines_two as \(/);
      expect(sql('kpi_thresholds')).toMatch(/from held_one held\s+where in_range\s+union all\s+select/);
      expect(sql('kpi_thresholds').match(/^\s*offset 0$/gm)).toHaveLength(6);
      expect(sql('kpi_thresholds')).not.toMatch(/\bbaseline_sums_one\b/);

      const built = await run({ ...options, select: ['kpi_thresholds'] });
      expect(built.results.filter((result) => result.status !== 'success').map((result) => `${result.unique_id}: ${result.message}`)).toEqual([]);
      const increment = await compile({ projectDir: dir, targetConfig: target, adapter: db.adapter, vars, select: ['kpi_thresholds'] });
      const incrementSql = increment.find((node) => node.name === 'kpi_thresholds')?.sql ?? '';
      expect(incrementSql).toMatch(/\bbaseline_sums_one as \(/);
      expect(incrementSql).not.toMatch(/\bbaseline_sums_two\b/);
      expect(incrementSql).toMatch(/\bbaselines_two as \([\s\S]*rows between 60 preceding and 1 preceding/);
    });

    // The increments: the dashboard's stored rows read once (`base`, which Postgres computes
    // once) and its series their UNION with the facts', its prior-year rows looked up by the
    // list of their dates, and the facts' first recomputed day a subquery the planner runs once.
    it("keeps the dashboard's and the facts' single-server increments", async () => {
      const target = db.target();
      const options = { projectDir: dir, targetConfig: target, adapter: db.adapter, vars };
      expect((await seed(options)).success).toBe(true);
      const built = await run({ ...options, select: ['+agg_kpi_dashboard'] });
      expect(built.results.filter((result) => result.status !== 'success').map((result) => `${result.unique_id}: ${result.message}`)).toEqual([]);
      const compiled = await compile({ ...options, select: ['agg_kpi_dashboard', 'fact_kpi_daily'] });
      const sql = (model: string) => compiled.find((node) => node.name === model)?.sql ?? '';
      expect(sql('agg_kpi_dashboard')).toMatch(/\bbase as \(/);
      expect(sql('agg_kpi_dashboard')).toMatch(/\bunion\s+select kpi_id, entity_id from base\b/);
      expect(sql('agg_kpi_dashboard')).toMatch(/t\.as_of_date = any\(array\(/);
      expect(sql('fact_kpi_daily')).toMatch(/m\.date_key >= \(select coalesce\(max\(date_key\)/);
    });
  });
}
