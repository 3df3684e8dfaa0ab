-- incremental delete+insert by a composite key, narrowed by predicates (each in parentheses); grants kept as configured
-- "analytics"."orders_daily" is a table: id integer, day date, code character varying(5), amount integer, note text
-- the model returns: id integer, day date, code character varying(5), amount integer, note text
-- config: {"persist_docs":{"relation":true,"columns":true},"grants":{"select":["reporting"]},"incremental_strategy":"delete+insert","unique_key":["id","day"],"incremental_predicates":["DBT_INTERNAL_DEST.day > '2024-01-01'","a or b"]}
-- granted now: SELECT to reporting
-- granted now: SELECT to old_reader
-- granted now: INSERT to etl

begin;

create temporary table "orders_daily__kpi_incr" on commit drop as (
select id, day, code, amount, note
from "raw"."orders_daily_source"
where day > (select max(day) from "analytics"."orders_daily")
);

-- read from the catalog: the columns of pg_temp."orders_daily__kpi_incr" and of "analytics"."orders_daily"

-- read from the catalog: the grants on "analytics"."orders_daily"

analyze pg_temp."orders_daily__kpi_incr";

delete from "analytics"."orders_daily" as DBT_INTERNAL_DEST
where (DBT_INTERNAL_DEST."id", DBT_INTERNAL_DEST."day") in (
  select DBT_INTERNAL_SOURCE."id", DBT_INTERNAL_SOURCE."day"
  from pg_temp."orders_daily__kpi_incr" as DBT_INTERNAL_SOURCE
)
and (DBT_INTERNAL_DEST.day > '2024-01-01')
and (a or b);

insert into "analytics"."orders_daily" ("id", "day", "code", "amount", "note")
select "id", "day", "code", "amount", "note"
from pg_temp."orders_daily__kpi_incr";

revoke select on "analytics"."orders_daily" from "old_reader";

revoke insert on "analytics"."orders_daily" from "etl";

comment on table "analytics"."orders_daily" is 'Orders by day';

comment on column "analytics"."orders_daily"."amount" is 'In euros';

grant select on "analytics"."orders_daily" to "reporting";

commit;
