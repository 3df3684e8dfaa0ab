{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['date_key', 'location_id'],
    indexes=[{'columns': ['date_key', 'location_id'], 'unique': True}]
) }}

{#- Invoices to restaurants and shops, on weekdays. -#}

with days as (
  select * from {{ ref('demo_location_days') }}
  where true {{ demo_new_days_filter('date_key') }}
),

anomalies as (
  {{ demo_anomaly_factors(['wholesale_revenue']) }}
)

select
  d.date_key,
  d.location_id,
  case when d.day_of_week <= 5 and d.open_factor > 0
    then round((2000 * d.size * d.trend * (0.8 + 0.4 * {{ demo_uniform('d.noise_key', 60) }}) * {{ demo_anomaly('wholesale_revenue') }})::numeric, 2)
    else 0 end as wholesale_revenue
from days d
left join anomalies a on a.anomaly_date = d.date_key and a.entity_id = d.location_id
