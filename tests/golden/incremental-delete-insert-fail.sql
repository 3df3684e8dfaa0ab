-- incremental delete+insert, on_schema_change='fail', the model's columns changed
-- "analytics"."orders_daily" is a table: id integer, day date, code character varying(5), amount integer, note text
-- the model returns: id integer, day date, code character varying(10), amount numeric(12,2), note text, channel text
-- config: {"incremental_strategy":"delete+insert","unique_key":"id","on_schema_change":"fail"}
-- view "analytics"."orders_daily_totals" (depth 1) depends on it

begin;

create temporary table "orders_daily__kpi_incr" on commit drop as (
select id, day, code, amount, note, channel
from "raw"."orders_daily_source"
where day > (select max(day) from "analytics"."orders_daily")
);

-- read from the catalog: the columns of pg_temp."orders_daily__kpi_incr" and of "analytics"."orders_daily"

-- fails: KPI_SCHEMA_CHANGE: the columns of analytics.orders_daily no longer match the model (new in the model: channel (text); type changed: amount integer -> numeric(12,2)), and on_schema_change='fail'
--   hint: set on_schema_change to 'append_new_columns' or 'sync_all_columns', or rebuild the table with --full-refresh

-- the transaction rolls back: the table is as it was

rollback;
