-- materialized view: the first run creates it with its index and grants
-- nothing stands at "analytics"."revenue_by_day"

-- action: create

begin;

create materialized view "analytics"."revenue_by_day" as (
select day, sum(amount) as revenue
from "analytics"."orders"
group by day
);

create unique index "revenue_by_day__0cab6baa7a_idx" on "analytics"."revenue_by_day" ("day");

grant select on "analytics"."revenue_by_day" to "reporting";

commit;
