-- incremental delete+insert, on_schema_change='append_new_columns', the model's columns changed
-- "analytics"."orders_daily" is a table: id integer, day date, code character varying(5), amount integer, note text
-- the model returns: id integer, day date, code character varying(10), amount numeric(12,2), note text, channel text
-- config: {"incremental_strategy":"delete+insert","unique_key":"id","on_schema_change":"append_new_columns"}
-- view "analytics"."orders_daily_totals" (depth 1) depends on it

begin;

create temporary table "orders_daily__kpi_incr" on commit drop as (
select id, day, code, amount, note, channel
from "raw"."orders_daily_source"
where day > (select max(day) from "analytics"."orders_daily")
);

-- read from the catalog: the columns of pg_temp."orders_daily__kpi_incr" and of "analytics"."orders_daily"

-- read from the catalog: the views on "analytics"."orders_daily"

analyze pg_temp."orders_daily__kpi_incr";

drop view if exists "analytics"."orders_daily_totals";

alter table "analytics"."orders_daily"
  add column "channel" text,
  alter column "code" type character varying(10) using "code"::character varying(10);

create view "analytics"."orders_daily_totals" as
 SELECT orders_daily.day,
    sum(orders_daily.amount) AS amount
   FROM analytics.orders_daily
  GROUP BY orders_daily.day;

delete from "analytics"."orders_daily" as DBT_INTERNAL_DEST
where (DBT_INTERNAL_DEST."id") in (
  select DBT_INTERNAL_SOURCE."id"
  from pg_temp."orders_daily__kpi_incr" as DBT_INTERNAL_SOURCE
);

insert into "analytics"."orders_daily" ("id", "day", "code", "amount", "note", "channel")
select "id", "day", "code", "amount", "note", "channel"
from pg_temp."orders_daily__kpi_incr";

commit;
