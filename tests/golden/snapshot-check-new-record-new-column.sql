-- snapshot: check_cols all with hard_deletes new_record, and a column the query has gained
-- "snapshots"."orders_snapshot" is a table: id integer, status text, amount numeric(12,2), updated_at timestamp without time zone, dbt_scd_id text, dbt_updated_at timestamp without time zone, dbt_valid_from timestamp without time zone, dbt_valid_to timestamp without time zone, dbt_is_deleted text
-- the query returns: id integer, status text, amount numeric(12,2), updated_at timestamp without time zone, channel text
-- config: {"strategy":"check","unique_key":"id","check_cols":"all","hard_deletes":"new_record"}

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

alter table "snapshots"."orders_snapshot"
  add column "channel" text;

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
    now()::timestamp without time zone as "dbt_updated_at",
    now()::timestamp without time zone as "dbt_valid_from",
    coalesce(nullif(now()::timestamp without time zone, now()::timestamp without time zone), null) as "dbt_valid_to",
    md5(coalesce(cast(id as varchar), '') || '|' || coalesce(cast(now()::timestamp without time zone as varchar), '')) as "dbt_scd_id"
  from snapshot_query
),
updates_source_data as (
  select *, id as dbt_unique_key_1,
    now()::timestamp without time zone as "dbt_updated_at",
    now()::timestamp without time zone as "dbt_valid_from",
    now()::timestamp without time zone as "dbt_valid_to"
  from snapshot_query
),
deletes_source_data as (
  select *, id as dbt_unique_key_1
  from snapshot_query
),
insertions as (
  select 'insert' as dbt_change_type, source_data.*, 'False' as "dbt_is_deleted"
  from insertions_source_data as source_data
  left outer join snapshotted_data on snapshotted_data.dbt_unique_key_1 = source_data.dbt_unique_key_1
  where snapshotted_data.dbt_unique_key_1 is null
    or (snapshotted_data.dbt_unique_key_1 is not null and ((TRUE) or snapshotted_data."dbt_is_deleted" = 'True'))
),
updates as (
  select 'update' as dbt_change_type, source_data.*, snapshotted_data."dbt_scd_id", snapshotted_data."dbt_is_deleted"
  from updates_source_data as source_data
  join snapshotted_data on snapshotted_data.dbt_unique_key_1 = source_data.dbt_unique_key_1
  where ((TRUE) or snapshotted_data."dbt_is_deleted" = 'True')
),
deletes as (
  select 'delete' as dbt_change_type, source_data.*,
    now()::timestamp without time zone as "dbt_updated_at",
    now()::timestamp without time zone as "dbt_valid_from",
    now()::timestamp without time zone as "dbt_valid_to",
    snapshotted_data."dbt_scd_id", snapshotted_data."dbt_is_deleted"
  from snapshotted_data
  left join deletes_source_data as source_data on snapshotted_data.dbt_unique_key_1 = source_data.dbt_unique_key_1
  where source_data.dbt_unique_key_1 is null
    and not (snapshotted_data."dbt_is_deleted" = 'True' and snapshotted_data."dbt_valid_to" is null)
),
deletion_records as (
  select 'insert' as dbt_change_type,
    snapshotted_data."id",
    snapshotted_data."status",
    snapshotted_data."amount",
    snapshotted_data."updated_at",
    source_data."channel",
    snapshotted_data.dbt_unique_key_1,
    now()::timestamp without time zone as "dbt_updated_at",
    now()::timestamp without time zone as "dbt_valid_from",
    snapshotted_data."dbt_valid_to",
    md5(coalesce(cast(snapshotted_data."dbt_scd_id" as varchar), '') || '|' || coalesce(cast(now()::timestamp without time zone as varchar), '')) as "dbt_scd_id",
    'True' as "dbt_is_deleted"
  from snapshotted_data
  left join deletes_source_data as source_data on snapshotted_data.dbt_unique_key_1 = source_data.dbt_unique_key_1
  where source_data.dbt_unique_key_1 is null
    and not (snapshotted_data."dbt_is_deleted" = 'True' and snapshotted_data."dbt_valid_to" is null)
)
select * from insertions
union all
select * from updates
union all
select * from deletes
union all
select * from deletion_records
);

update "snapshots"."orders_snapshot"
set "dbt_valid_to" = changes."dbt_valid_to"
from pg_temp."orders_snapshot__kpi_snap_chg" as changes
where changes."dbt_scd_id"::text = "snapshots"."orders_snapshot"."dbt_scd_id"::text
  and changes.dbt_change_type::text in ('update'::text, 'delete'::text)
  and "snapshots"."orders_snapshot"."dbt_valid_to" is null;

insert into "snapshots"."orders_snapshot" ("id", "status", "amount", "updated_at", "channel", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to", "dbt_scd_id", "dbt_is_deleted")
select changes."id", changes."status", changes."amount", changes."updated_at", changes."channel", changes."dbt_updated_at", changes."dbt_valid_from", changes."dbt_valid_to", changes."dbt_scd_id", changes."dbt_is_deleted"
from pg_temp."orders_snapshot__kpi_snap_chg" as changes
where changes.dbt_change_type::text = 'insert'::text;

commit;
