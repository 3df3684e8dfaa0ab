{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['date_key', 'kpi_id', 'entity_id'],
    indexes=[
      {'columns': ['kpi_id', 'entity_id', 'date_key']}
    ]
) }}

{#- The wide mart unpivoted: one row per day, KPI and entity (see macros/unpivot_kpis.sql). -#}

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
