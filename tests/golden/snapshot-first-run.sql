-- snapshot: the first run makes the table, each row its first version
-- nothing stands at "snapshots"."orders_snapshot"
-- the query returns: id integer, status text, amount numeric(12,2), updated_at timestamp without time zone
-- config: {"strategy":"timestamp","unique_key":"id","updated_at":"updated_at","indexes":[{"columns":["id"]}]}

begin;

create temporary table "orders_snapshot__kpi_snap" on commit drop as (
select * from "raw"."orders"
);

-- read from the catalog: the columns of pg_temp."orders_snapshot__kpi_snap"

-- every key once and not null, else KPI_SNAPSHOT_DUPLICATE_KEY and the transaction rolls back:

select cast(dbt_unique_key_1 as text) as dbt_unique_key_1, count(*)::int as row_count
from (select id as dbt_unique_key_1 from pg_temp."orders_snapshot__kpi_snap") as keyed
group by dbt_unique_key_1
having count(*) > 1 or dbt_unique_key_1 is null
order by row_count desc
limit 3;

create table "snapshots"."orders_snapshot"
as (
select *,
  md5(coalesce(cast(id as varchar), '') || '|' || coalesce(cast(updated_at as varchar), '')) as "dbt_scd_id",
  updated_at as "dbt_updated_at",
  updated_at as "dbt_valid_from",
  coalesce(nullif(updated_at, updated_at), null) as "dbt_valid_to"
from pg_temp."orders_snapshot__kpi_snap" as sbq
);

create index "orders_snapshot__997743b558_idx" on "snapshots"."orders_snapshot" ("id");

commit;
