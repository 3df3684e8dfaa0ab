{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['date_key', 'location_id'],
    indexes=[{'columns': ['date_key', 'location_id'], 'unique': True}]
) }}

{#- The online store, attributed to the location that owns the customer. -#}

with days as (
  select * from {{ ref('demo_location_days') }}
  where true {{ demo_new_days_filter('date_key') }}
),

anomalies as (
  {{ demo_anomaly_factors(['web_sessions', 'online_orders']) }}
),

traffic as (
  select
    d.date_key,
    d.location_id,
    d.noise_key,
    greatest(0, 900 * d.size * d.online_season_factor * d.online_event_factor * d.trend * (1 + 0.16 * {{ demo_noise('d.noise_key', 11) }})) as base_sessions,
    {{ demo_anomaly('web_sessions') }} as session_factor,
    {{ demo_anomaly('online_orders') }} as order_factor
  from days d
  left join anomalies a on a.anomaly_date = d.date_key and a.entity_id = d.location_id
),

orders as (
  select
    t.*,
    round(t.base_sessions * t.session_factor)::integer as sessions,
    round(t.base_sessions * (0.024 + 0.003 * {{ demo_uniform('t.noise_key', 40) }}) * t.order_factor)::integer as orders
  from traffic t
)

select
  date_key,
  location_id,
  sessions,
  orders,
  round((orders * 140 * (0.9 + 0.2 * {{ demo_uniform('noise_key', 41) }}))::numeric, 2) as wine_revenue,
  round((orders * 14.5)::numeric, 2) as shipping_revenue
from orders
