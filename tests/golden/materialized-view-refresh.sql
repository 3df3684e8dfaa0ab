-- materialized view: a later run with the same SELECT and indexes refreshes it
-- "analytics"."revenue_by_day" is a materialized view
-- its SELECT deparses as the model's; its index is the configured one

-- action: refresh

begin;

refresh materialized view "analytics"."revenue_by_day";

grant select on "analytics"."revenue_by_day" to "reporting";

commit;
