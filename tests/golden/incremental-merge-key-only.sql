-- incremental merge whose every column is in the key: a match does nothing
-- "analytics"."orders_daily" is a table: id integer, day date
-- the model returns: id integer, day date
-- config: {"incremental_strategy":"merge","unique_key":["id","day"]}

begin;

create temporary table "orders_daily__kpi_incr" on commit drop as (
select id, day
from "raw"."orders_daily_source"
where day > (select max(day) from "analytics"."orders_daily")
);

-- read from the catalog: the columns of pg_temp."orders_daily__kpi_incr" and of "analytics"."orders_daily"

analyze pg_temp."orders_daily__kpi_incr";

merge into "analytics"."orders_daily" as DBT_INTERNAL_DEST
using pg_temp."orders_daily__kpi_incr" as DBT_INTERNAL_SOURCE
on DBT_INTERNAL_SOURCE."id" = DBT_INTERNAL_DEST."id"
and DBT_INTERNAL_SOURCE."day" = DBT_INTERNAL_DEST."day"
when matched then do nothing
when not matched then insert ("id", "day")
values (DBT_INTERNAL_SOURCE."id", DBT_INTERNAL_SOURCE."day");

commit;
