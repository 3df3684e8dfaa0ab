-- materialized view: a changed SELECT rebuilds it beside the old one and swaps it in, the view on it kept
-- "analytics"."revenue_by_day" is a materialized view
-- its SELECT differs from the model's
-- view "bi"."recent_revenue" (depth 1) depends on it

-- action: rebuild

drop materialized view if exists "analytics"."revenue_by_day__kpi_tmp";

begin;

create materialized view "analytics"."revenue_by_day__kpi_tmp" as (
select day, sum(amount) as revenue
from "analytics"."orders"
group by day
);

create unique index "revenue_by_day__0cab6baa7a_idx_t" on "analytics"."revenue_by_day__kpi_tmp" ("day");

drop view if exists "bi"."recent_revenue";

drop materialized view if exists "analytics"."revenue_by_day";

alter materialized view "analytics"."revenue_by_day__kpi_tmp" rename to "revenue_by_day";

alter index "analytics"."revenue_by_day__0cab6baa7a_idx_t" rename to "revenue_by_day__0cab6baa7a_idx";

create view "bi"."recent_revenue" as
 SELECT revenue_by_day.day,
    revenue_by_day.revenue
   FROM analytics.revenue_by_day
  WHERE revenue_by_day.day > (CURRENT_DATE - 7);

grant select on "analytics"."revenue_by_day" to "reporting";

commit;
