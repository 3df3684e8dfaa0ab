-- incremental on_schema_change='sync_all_columns': one ALTER TABLE adds, drops and retypes; the views on the table are recreated around it
-- "analytics"."orders_daily" is a table: id integer, day date, amount integer, old text
-- the model returns: id integer, day date, amount numeric(12,2), note character varying(20)
-- config: {"incremental_strategy":"merge","unique_key":"id","on_schema_change":"sync_all_columns"}
-- view "analytics"."orders_daily_totals" (depth 1) depends on it
-- view "bi"."daily_revenue" (depth 2) depends on it

begin;

create temporary table "orders_daily__kpi_incr" on commit drop as (
select id, day, amount, note
from "raw"."orders_daily_source"
where day > (select max(day) from "analytics"."orders_daily")
);

-- read from the catalog: the columns of pg_temp."orders_daily__kpi_incr" and of "analytics"."orders_daily"

-- read from the catalog: the views on "analytics"."orders_daily"

analyze pg_temp."orders_daily__kpi_incr";

drop view if exists "bi"."daily_revenue";

drop view if exists "analytics"."orders_daily_totals";

alter table "analytics"."orders_daily"
  add column "note" character varying(20),
  drop column "old",
  alter column "amount" type numeric(12,2) using "amount"::numeric(12,2);

create view "analytics"."orders_daily_totals" as
 SELECT orders_daily.day,
    sum(orders_daily.amount) AS amount
   FROM analytics.orders_daily
  GROUP BY orders_daily.day;

create view "bi"."daily_revenue" as
 SELECT orders_daily_totals.day,
    orders_daily_totals.amount
   FROM analytics.orders_daily_totals;

merge into "analytics"."orders_daily" as DBT_INTERNAL_DEST
using pg_temp."orders_daily__kpi_incr" as DBT_INTERNAL_SOURCE
on DBT_INTERNAL_SOURCE."id" = DBT_INTERNAL_DEST."id"
when matched then update set
  "day" = DBT_INTERNAL_SOURCE."day",
  "amount" = DBT_INTERNAL_SOURCE."amount",
  "note" = DBT_INTERNAL_SOURCE."note"
when not matched then insert ("id", "day", "amount", "note")
values (DBT_INTERNAL_SOURCE."id", DBT_INTERNAL_SOURCE."day", DBT_INTERNAL_SOURCE."amount", DBT_INTERNAL_SOURCE."note");

commit;
