-- table: a materialized view kpi did not create stands at the name
-- "analytics"."orders" is a materialized view

-- fails: KPI_UNSAFE_OPERATION: analytics.orders is a materialized view that kpi did not create; it will not replace it
--   hint: drop or rename it yourself, or give the model another alias
