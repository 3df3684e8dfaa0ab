-- snapshot: a later run of the timestamp strategy (hard deletes ignored)
-- "snapshots"."orders_snapshot" is a table: id integer, status text, amount numeric(12,2), updated_at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone
-- the query returns: id integer, status text, amount numeric(12,2), updated_at timestamp without time zone
-- config: {"strategy":"timestamp","unique_key":"id","updated_at":"updated_at"}

begin;

create temporary table "orders_snapshot__kpi_snap" on commit drop as (
select * from "raw"."orders"
);

-- read from the catalog: the columns of pg_temp."orders_snapshot__kpi_snap" and of "snapshots"."orders_snapshot"

-- every key once and not null, else KPI_SNAPSHOT_DUPLICATE_KEY and the transaction rolls back:

select cast(dbt_unique_key_1 as text) as dbt_unique_key_1, count(*)::int as row_count
from (select id as dbt_unique_key_1 from pg_temp."orders_snapshot__kpi_snap") as keyed
group by dbt_unique_key_1
having count(*) > 1 or dbt_unique_key_1 is null
order by row_count desc
limit 3;

analyze pg_temp."orders_snapshot__kpi_snap";

create temporary table "orders_snapshot__kpi_snap_chg" on commit drop as (
with snapshot_query as (
  select * from pg_temp."orders_snapshot__kpi_snap"
),
snapshotted_data as (
  select *, id as dbt_unique_key_1
  from "snapshots"."orders_snapshot"
  where "dbt_valid_to" is null
),
insertions_source_data as (
  select *, id as dbt_unique_key_1,
    updated_at as "dbt_updated_at",
    updated_at as "dbt_valid_from",
    coalesce(nullif(updated_at, updated_at), null) as "dbt_valid_to",
    md5(coalesce(cast(id as varchar), '') || '|' || coalesce(cast(updated_at as varchar), '')) as "dbt_scd_id"
  from snapshot_query
),
updates_source_data as (
  select *, id as dbt_unique_key_1,
    updated_at as "dbt_updated_at",
    updated_at as "dbt_valid_from",
    updated_at as "dbt_valid_to"
  from snapshot_query
),
insertions as (
  select 'insert' as dbt_change_type, source_data.*
  from insertions_source_data as source_data
  left outer join snapshotted_data on snapshotted_data.dbt_unique_key_1 = source_data.dbt_unique_key_1
  where snapshotted_data.dbt_unique_key_1 is null
    or (snapshotted_data.dbt_unique_key_1 is not null and ((snapshotted_data."dbt_valid_from" < source_data.updated_at)))
),
updates as (
  select 'update' as dbt_change_type, source_data.*, snapshotted_data."dbt_scd_id"
  from updates_source_data as source_data
  join snapshotted_data on snapshotted_data.dbt_unique_key_1 = source_data.dbt_unique_key_1
  where ((snapshotted_data."dbt_valid_from" < source_data.updated_at))
)
select * from insertions
union all
select * from updates
);

update "snapshots"."orders_snapshot"
set "dbt_valid_to" = changes."dbt_valid_to"
from pg_temp."orders_snapshot__kpi_snap_chg" as changes
where changes."dbt_scd_id"::text = "snapshots"."orders_snapshot"."dbt_scd_id"::text
  and changes.dbt_change_type::text in ('update'::text, 'delete'::text)
  and "snapshots"."orders_snapshot"."dbt_valid_to" is null;

insert into "snapshots"."orders_snapshot" ("id", "status", "amount", "updated_at", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to", "dbt_scd_id")
select changes."id", changes."status", changes."amount", changes."updated_at", changes."dbt_updated_at", changes."dbt_valid_from", changes."dbt_valid_to", changes."dbt_scd_id"
from pg_temp."orders_snapshot__kpi_snap_chg" as changes
where changes.dbt_change_type::text = 'insert'::text;

commit;
