{{ config(materialized='table') }}

{#- The resolved threshold settings (config/thresholds.yml, for this target), one row per KPI. -#}

select
  k.kpi_id,
  k.direction,
  t.*
from {{ ref('dim_kpi') }} k
join ({{ kpi_thresholds_table() }}) t on t.kpi_code = k.kpi_code
