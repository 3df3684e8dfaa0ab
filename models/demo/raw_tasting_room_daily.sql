{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['date_key', 'location_id'],
    indexes=[{'columns': ['date_key', 'location_id'], 'unique': True}]
) }}

{#- Tasting-room POS and reservation system, one row per day and location. -#}

with days as (
  select * from {{ ref('demo_location_days') }}
  where true {{ demo_new_days_filter('date_key') }}
),

anomalies as (
  {{ demo_anomaly_factors(['tr_guests', 'tr_orders', 'no_shows', 'refunds']) }}
),

guests as (
  select
    d.*,
    round(greatest(0, 120 * d.size * d.weekday_factor * d.season_factor * d.trend * d.open_factor * (1 + 0.16 * {{ demo_noise('d.noise_key', 1) }}))
      * {{ demo_anomaly('tr_guests') }})::integer as guests,
    round(greatest(0, 120 * d.size * d.weekday_factor * d.season_factor * d.trend * d.open_factor * (1 + 0.16 * {{ demo_noise('d.noise_key', 1) }}))
      * (0.42 + 0.04 * {{ demo_noise('d.noise_key', 2) }}) * {{ demo_anomaly('tr_orders') }})::integer as orders,
    {{ demo_anomaly('no_shows') }} as no_show_factor,
    {{ demo_anomaly('refunds') }} as refund_factor
  from days d
  left join anomalies a on a.anomaly_date = d.date_key and a.entity_id = d.location_id
),

reservations as (
  select
    g.*,
    round(g.guests * (0.55 + 0.1 * {{ demo_uniform('g.noise_key', 30) }}))::integer as covers
  from guests g
)

select
  date_key,
  location_id,
  guests,
  orders,
  round((orders * (82 + 8 * {{ demo_noise('noise_key', 3) }}))::numeric, 2) as wine_revenue,
  round((guests * 25 * (0.85 + 0.06 * {{ demo_noise('noise_key', 4) }}))::numeric, 0) as tasting_fees,
  round((orders * 7 * (0.8 + 0.2 * {{ demo_uniform('noise_key', 31) }}))::numeric, 2) as merch_revenue,
  round((guests * 9 * (0.85 + 0.15 * {{ demo_uniform('noise_key', 32) }}))::numeric, 2) as food_revenue,
  round((orders * 1.8 * (0.7 + 0.6 * {{ demo_uniform('noise_key', 33) }}) * refund_factor)::numeric, 2) as refunds,
  round(covers / (2.4 + 0.8 * {{ demo_uniform('noise_key', 34) }}))::integer as reservations,
  covers,
  least(covers, round(covers * (0.05 + 0.04 * {{ demo_uniform('noise_key', 35) }}) * no_show_factor))::integer as no_shows,
  case when day_of_week = 6 and open_factor > 0
    then round((1500 * size * trend * (0.8 + 0.4 * {{ demo_uniform('noise_key', 36) }}))::numeric, 2)
    else 0 end as events_revenue
from reservations
