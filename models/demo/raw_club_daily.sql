{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['date_key', 'location_id'],
    indexes=[{'columns': ['date_key', 'location_id'], 'unique': True}]
) }}

{#-
  The wine club. Members are a stock: a closed form of the day (growth plus a small
  wiggle), so any day's figure is the same whatever range is generated; net adds are the
  day's change, signups and cancellations split it.
-#}


with days as (
  select * from {{ ref('demo_location_days') }}
  where true {{ demo_new_days_filter('date_key') }}
),

anomalies as (
  {{ demo_anomaly_factors(['club_cancellations']) }}
),

members as (
  select
    d.*,
    round(800 * d.size * (1 + 0.12 * (d.date_key - date '2015-01-01') / 365.25)
      + 15 * {{ demo_noise('d.noise_key', 21) }})::integer as active_members,
    round(800 * d.size * (1 + 0.12 * (d.date_key - 1 - date '2015-01-01') / 365.25)
      + 15 * {{ demo_noise(demo_key('d.date_key - 1', 'd.location_id'), 21) }})::integer as active_members_before,
    {{ demo_anomaly('club_cancellations') }} as cancel_factor
  from days d
  left join anomalies a on a.anomaly_date = d.date_key and a.entity_id = d.location_id
),

flows as (
  select
    m.*,
    m.active_members - m.active_members_before as net_adds,
    greatest(m.active_members - m.active_members_before, 0) + round(4 * {{ demo_uniform('m.noise_key', 50) }})::integer as signups
  from members m
)

select
  date_key,
  location_id,
  active_members,
  signups,
  round((signups - net_adds) * cancel_factor)::integer as cancellations,
  net_adds,
  case when to_char(date_key, 'MM-DD') in ('03-15', '06-15', '09-15', '11-15')
    then round((active_members * 165 * (0.9 + 0.2 * {{ demo_uniform('noise_key', 51) }}))::numeric, 2)
    else round((active_members * 0.4 * {{ demo_uniform('noise_key', 52) }})::numeric, 2) end as shipment_revenue,
  case when day_of_month = 1 then round((active_members * 5)::numeric, 2) else 0 end as fees_revenue
from flows
