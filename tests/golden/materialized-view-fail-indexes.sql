-- materialized view: on_configuration_change fail refuses a change of its indexes
-- "analytics"."revenue_by_day" is a materialized view
-- the configured index is missing

-- fails: KPI_SCHEMA_CHANGE: the indexes of materialized view analytics.revenue_by_day changed, and on_configuration_change is fail
--   hint: set on_configuration_change to apply, or run with --full-refresh
