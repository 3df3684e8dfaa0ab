-- snapshot: the table at the name has no snapshot meta columns
-- "snapshots"."orders_snapshot" is a table: id integer, status text, amount numeric(12,2), updated_at timestamp without time zone
-- the query returns: id integer, status text, amount numeric(12,2), updated_at timestamp without time zone
-- config: {"strategy":"timestamp","unique_key":"id","updated_at":"updated_at"}

begin;

create temporary table "orders_snapshot__kpi_snap" on commit drop as (
select * from "raw"."orders"
);

-- read from the catalog: the columns of pg_temp."orders_snapshot__kpi_snap" and of "snapshots"."orders_snapshot"

-- fails: KPI_SNAPSHOT_INVALID: snapshot 'orders_snapshot': snapshots.orders_snapshot has no dbt_scd_id, dbt_valid_from, dbt_valid_to columns, so it is not a snapshot table of this config
--   hint: a table made by another snapshot config (or not by a snapshot) is not changed; drop it to rebuild the snapshot, losing its history, or restore the config it was built with

-- the transaction rolls back: the table is as it was

rollback;
