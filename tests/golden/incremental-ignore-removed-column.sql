-- incremental on_schema_change='ignore': the model no longer returns a column the table has
-- "analytics"."orders_daily" is a table: id integer, day date, code character varying(5), amount integer, note text
-- the model returns: id integer, day date, code character varying(5), amount integer
-- config: {"incremental_strategy":"append"}

begin;

create temporary table "orders_daily__kpi_incr" on commit drop as (
select id, day, code, amount
from "raw"."orders_daily_source"
where day > (select max(day) from "analytics"."orders_daily")
);

-- read from the catalog: the columns of pg_temp."orders_daily__kpi_incr" and of "analytics"."orders_daily"

-- fails: KPI_SCHEMA_CHANGE: analytics.orders_daily has column(s) the model no longer returns (note); with on_schema_change='ignore' the new rows cannot be written
--   hint: set on_schema_change to 'append_new_columns' or 'sync_all_columns', or rebuild the table with --full-refresh

-- the transaction rolls back: the table is as it was

rollback;
