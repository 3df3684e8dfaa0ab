{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['date_key', 'kpi_id', 'entity_id'],
    parallel_parts=var('kpi_parallel_parts', 1),
    indexes=[
      {'columns': ['kpi_id', 'entity_id', 'date_key']}
    ]
) }}

{#-
  The wide mart unpivoted: one row per day, KPI and entity (see macros/unpivot_kpis.sql).
  A full build on a server runs in var('kpi_parallel_parts') parts, a share of the entities
  each: every later model waits for this one. (agg_kpi_dashboard stays one statement: it runs
  beside kpi_thresholds, the longer of the two, and parts of it would only take cores from it.)
-#}

select
  m.date_key,
  k.kpi_id,
  m.entity_id,
  k.value,
  k.numerator,
  k.denominator
from {{ ref('agg_daily_revenue') }} m
cross join lateral {{ unpivot_kpis(ref('dim_kpi'), ref('agg_daily_revenue'), 'm') }} as k(kpi_id, value, numerator, denominator)
where m.date_key >= {{ recompute_since() }}
  and {{ parallel_part('m.entity_id') }}
