-- incremental merge by key, predicates first in the match; key columns are not updated
-- "analytics"."orders_daily" is a table: id integer, day date, code character varying(5), amount integer, note text
-- the model returns: id integer, day date, code character varying(5), amount integer, note text
-- config: {"incremental_strategy":"merge","unique_key":"id","incremental_predicates":["DBT_INTERNAL_DEST.day >= current_date - 7"]}

begin;

create temporary table "orders_daily__kpi_incr" on commit drop as (
select id, day, code, amount, note
from "raw"."orders_daily_source"
where day > (select max(day) from "analytics"."orders_daily")
);

-- read from the catalog: the columns of pg_temp."orders_daily__kpi_incr" and of "analytics"."orders_daily"

analyze pg_temp."orders_daily__kpi_incr";

merge into "analytics"."orders_daily" as DBT_INTERNAL_DEST
using pg_temp."orders_daily__kpi_incr" as DBT_INTERNAL_SOURCE
on (DBT_INTERNAL_DEST.day >= current_date - 7)
and DBT_INTERNAL_SOURCE."id" = DBT_INTERNAL_DEST."id"
when matched then update set
  "day" = DBT_INTERNAL_SOURCE."day",
  "code" = DBT_INTERNAL_SOURCE."code",
  "amount" = DBT_INTERNAL_SOURCE."amount",
  "note" = DBT_INTERNAL_SOURCE."note"
when not matched then insert ("id", "day", "code", "amount", "note")
values (DBT_INTERNAL_SOURCE."id", DBT_INTERNAL_SOURCE."day", DBT_INTERNAL_SOURCE."code", DBT_INTERNAL_SOURCE."amount", DBT_INTERNAL_SOURCE."note");

commit;
