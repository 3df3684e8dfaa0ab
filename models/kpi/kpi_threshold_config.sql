{{ config(materialized='table') }}

{#-
  The resolved threshold settings (config/thresholds.yml, for this target), one row per KPI.
  range_min and range_max are the values the KPI can take (value_range; `auto` reads
  dim_kpi.format: a percent is a fraction in [0, 1], anything else is non-negative): bounds
  never leave them.
-#}

select
  k.kpi_id,
  k.direction,
  t.*,
  case
    when t.value_range <> 'any' then 0::float8
  end as range_min,
  case
    when t.value_range = 'fraction' or (t.value_range = 'auto' and k.format = 'percent') then 1::float8
  end as range_max
from {{ ref('dim_kpi') }} k
join ({{ kpi_thresholds_table() }}) t on t.kpi_code = k.kpi_code
