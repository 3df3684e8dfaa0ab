-- materialized view: on_configuration_change apply alters its indexes, then refreshes it
-- "analytics"."revenue_by_day" is a materialized view
-- it has an index kpi made for a config that no longer lists it

-- action: apply

begin;

drop index if exists "analytics"."revenue_by_day__1111111111_idx";

create unique index "revenue_by_day__0cab6baa7a_idx" on "analytics"."revenue_by_day" ("day");

refresh materialized view "analytics"."revenue_by_day";

grant select on "analytics"."revenue_by_day" to "reporting";

commit;
