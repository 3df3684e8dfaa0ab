-- incremental append: the new rows inserted as they are, an index added to the config since the build
-- "analytics"."orders_daily" is a table: id integer, day date, code character varying(5), amount integer, note text
-- the model returns: id integer, day date, code character varying(5), amount integer, note text
-- config: {"incremental_strategy":"append","indexes":[{"columns":["day"]}]}

begin;

create temporary table "orders_daily__kpi_incr" on commit drop as (
select id, day, code, amount, note
from "raw"."orders_daily_source"
where day > (select max(day) from "analytics"."orders_daily")
);

-- read from the catalog: the columns of pg_temp."orders_daily__kpi_incr" and of "analytics"."orders_daily"

analyze pg_temp."orders_daily__kpi_incr";

insert into "analytics"."orders_daily" ("id", "day", "code", "amount", "note")
select "id", "day", "code", "amount", "note"
from pg_temp."orders_daily__kpi_incr";

create index if not exists "orders_daily__779235b783_idx" on "analytics"."orders_daily" ("day");

commit;
