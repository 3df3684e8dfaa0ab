-- snapshot: a composite key, hard deletes invalidated, dbt_valid_to_current and renamed meta columns
-- "snapshots"."orders_snapshot" is a table: id integer, status text, amount numeric(12,2), updated_at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, valid_from timestamp without time zone, valid_to timestamp without time zone
-- the query returns: id integer, status text, amount numeric(12,2), updated_at timestamp without time zone
-- config: {"strategy":"check","unique_key":["id","status"],"check_cols":["amount"],"invalidate_hard_deletes":true,"dbt_valid_to_current":"'9999-12-31'::timestamp","snapshot_meta_column_names":{"dbt_valid_from":"valid_from","dbt_valid_to":"valid_to"}}

begin;

create temporary table "orders_snapshot__kpi_snap" on commit drop as (
select * from "raw"."orders"
);

-- read from the catalog: the columns of pg_temp."orders_snapshot__kpi_snap" and of "snapshots"."orders_snapshot"

-- every key once and not null, else KPI_SNAPSHOT_DUPLICATE_KEY and the transaction rolls back:

select cast(dbt_unique_key_1 as text) as dbt_unique_key_1, cast(dbt_unique_key_2 as text) as dbt_unique_key_2, count(*)::int as row_count
from (select id as dbt_unique_key_1, status as dbt_unique_key_2 from pg_temp."orders_snapshot__kpi_snap") as keyed
group by dbt_unique_key_1, dbt_unique_key_2
having count(*) > 1 or dbt_unique_key_1 is null or dbt_unique_key_2 is null
order by row_count desc
limit 3;

analyze pg_temp."orders_snapshot__kpi_snap";

create temporary table "orders_snapshot__kpi_snap_chg" on commit drop as (
with snapshot_query as (
  select * from pg_temp."orders_snapshot__kpi_snap"
),
snapshotted_data as (
  select *, id as dbt_unique_key_1, status as dbt_unique_key_2
  from "snapshots"."orders_snapshot"
  where ("valid_to" = '9999-12-31'::timestamp or "valid_to" is null)
),
insertions_source_data as (
  select *, id as dbt_unique_key_1, status as dbt_unique_key_2,
    now()::timestamp without time zone as "dbt_updated_at",
    now()::timestamp without time zone as "valid_from",
    coalesce(nullif(now()::timestamp without time zone, now()::timestamp without time zone), '9999-12-31'::timestamp) as "valid_to",
    md5(coalesce(cast(id as varchar), '') || '|' || coalesce(cast(status as varchar), '') || '|' || coalesce(cast(now()::timestamp without time zone as varchar), '')) as "dbt_scd_id"
  from snapshot_query
),
updates_source_data as (
  select *, id as dbt_unique_key_1, status as dbt_unique_key_2,
    now()::timestamp without time zone as "dbt_updated_at",
    now()::timestamp without time zone as "valid_from",
    now()::timestamp without time zone as "valid_to"
  from snapshot_query
),
deletes_source_data as (
  select *, id as dbt_unique_key_1, status as dbt_unique_key_2
  from snapshot_query
),
insertions as (
  select 'insert' as dbt_change_type, source_data.*
  from insertions_source_data as source_data
  left outer join snapshotted_data on snapshotted_data.dbt_unique_key_1 = source_data.dbt_unique_key_1 and snapshotted_data.dbt_unique_key_2 = source_data.dbt_unique_key_2
  where snapshotted_data.dbt_unique_key_1 is null
    or (snapshotted_data.dbt_unique_key_1 is not null and ((snapshotted_data."amount" != source_data."amount" or ((snapshotted_data."amount" is null) and not (source_data."amount" is null)) or ((not snapshotted_data."amount" is null) and (source_data."amount" is null)))))
),
updates as (
  select 'update' as dbt_change_type, source_data.*, snapshotted_data."dbt_scd_id"
  from updates_source_data as source_data
  join snapshotted_data on snapshotted_data.dbt_unique_key_1 = source_data.dbt_unique_key_1 and snapshotted_data.dbt_unique_key_2 = source_data.dbt_unique_key_2
  where ((snapshotted_data."amount" != source_data."amount" or ((snapshotted_data."amount" is null) and not (source_data."amount" is null)) or ((not snapshotted_data."amount" is null) and (source_data."amount" is null))))
),
deletes as (
  select 'delete' as dbt_change_type, source_data.*,
    now()::timestamp without time zone as "dbt_updated_at",
    now()::timestamp without time zone as "valid_from",
    now()::timestamp without time zone as "valid_to",
    snapshotted_data."dbt_scd_id"
  from snapshotted_data
  left join deletes_source_data as source_data on snapshotted_data.dbt_unique_key_1 = source_data.dbt_unique_key_1 and snapshotted_data.dbt_unique_key_2 = source_data.dbt_unique_key_2
  where source_data.dbt_unique_key_1 is null
)
select * from insertions
union all
select * from updates
union all
select * from deletes
);

update "snapshots"."orders_snapshot"
set "valid_to" = changes."valid_to"
from pg_temp."orders_snapshot__kpi_snap_chg" as changes
where changes."dbt_scd_id"::text = "snapshots"."orders_snapshot"."dbt_scd_id"::text
  and changes.dbt_change_type::text in ('update'::text, 'delete'::text)
  and ("snapshots"."orders_snapshot"."valid_to" = '9999-12-31'::timestamp or "snapshots"."orders_snapshot"."valid_to" is null);

insert into "snapshots"."orders_snapshot" ("id", "status", "amount", "updated_at", "dbt_updated_at", "valid_from", "valid_to", "dbt_scd_id")
select changes."id", changes."status", changes."amount", changes."updated_at", changes."dbt_updated_at", changes."valid_from", changes."valid_to", changes."dbt_scd_id"
from pg_temp."orders_snapshot__kpi_snap_chg" as changes
where changes.dbt_change_type::text = 'insert'::text;

commit;
