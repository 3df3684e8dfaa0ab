{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['date_key', 'location_id'],
    indexes=[{'columns': ['date_key', 'location_id'], 'unique': True}]
) }}

{#-
  The wine club. Members are a stock that moves smoothly: growth plus a slow wiggle (a
  closed form of the day, so any day's figure is the same whatever range is generated).
  Cancellations are a count drawn around a churn rate of the expected members (and at least
  the stock's fall, so signups are never negative); signups are the day's net adds plus
  its cancellations: active(t) - active(t-1) = signups - cancellations on every day.

  An injected anomaly scales the expected cancellations (8× the usual, never 8× a quiet
  day's zero), and the members it takes (or spares) are gone from the stock from that day
  on: the anomalies are summed from their own days, whatever range is generated. Signups
  are untouched by them.
-#}

{%- set churn_per_day = 0.0016 -%}

with days as (
  select date_key, location_id, size, noise_key, day_of_month, true as generated
  from {{ ref('demo_location_days') }}
  where true {{ demo_new_days_filter('date_key') }}
),

anomalies as (
  {{ demo_anomaly_factors(['club_cancellations']) }}
),

-- Every injected day of a location with data, generated in this run or not: its shock
-- stays in the stock.
shock_days as (
  select
    a.anomaly_date as date_key,
    e.entity_id as location_id,
    {{ demo_location_size('e.entity_id') }} as size,
    {{ demo_key('a.anomaly_date', 'e.entity_id') }} as noise_key,
    extract(day from a.anomaly_date)::integer as day_of_month,
    false as generated
  from anomalies a
  join {{ ref('dim_entity') }} e on e.entity_id = a.entity_id
  where a.factor_club_cancellations is not null
    and e.entity_type = 'location'
    and e.entity_id <= {{ var('demo_entities') }}
),

stock as (
  select
    d.*,
    round(800 * d.size * (1 + 0.12 * (d.date_key - date '2015-01-01') / 365.25)
      + 30 * d.size * {{ demo_wiggle('d.date_key', 'd.location_id', 25, 30) }})::integer as expected_members,
    round(800 * d.size * (1 + 0.12 * (d.date_key - 1 - date '2015-01-01') / 365.25)
      + 30 * d.size * {{ demo_wiggle('d.date_key - 1', 'd.location_id', 25, 30) }})::integer as expected_members_before,
    {{ demo_anomaly('club_cancellations') }} as cancel_factor
  from (select * from days union all select * from shock_days) d
  left join anomalies a on a.anomaly_date = d.date_key and a.entity_id = d.location_id
),

flows as (
  select
    s.*,
    -- The usual cancellations, and the day's (scaled on an anomaly day); either is at least
    -- the expected stock's fall, so signups never go below zero.
    greatest({{ demo_count(churn_per_day ~ ' * s.expected_members', 's.noise_key', 26) }},
             s.expected_members_before - s.expected_members) as usual_cancellations,
    greatest({{ demo_count(churn_per_day ~ ' * s.expected_members * s.cancel_factor', 's.noise_key', 26) }},
             s.expected_members_before - s.expected_members) as cancellations
  from stock s
),

-- Members an anomaly took beyond the usual (or spared), from its day on.
shocks as (
  select date_key, location_id, cancellations - usual_cancellations as extra
  from flows
  where not generated
),

shocked as (
  select f.date_key, f.location_id, sum(k.extra) as taken, sum(k.extra) filter (where k.date_key = f.date_key) as taken_today
  from flows f
  join shocks k on k.location_id = f.location_id and k.date_key <= f.date_key
  where f.generated
  group by f.date_key, f.location_id
),

members as (
  select
    f.*,
    f.expected_members - coalesce(k.taken, 0)::integer as active_members,
    coalesce(k.taken_today, 0)::integer as taken_today
  from flows f
  left join shocked k on k.date_key = f.date_key and k.location_id = f.location_id
  where f.generated
)

select
  date_key,
  location_id,
  active_members,
  expected_members - expected_members_before + usual_cancellations as signups,
  cancellations,
  expected_members - expected_members_before - taken_today as net_adds,
  case when to_char(date_key, 'MM-DD') in ('03-15', '06-15', '09-15', '11-15')
    then round((active_members * 165 * (0.9 + 0.2 * {{ demo_uniform('noise_key', 51) }}))::numeric, 2)
    else round((active_members * 0.4 * {{ demo_uniform('noise_key', 52) }})::numeric, 2) end as shipment_revenue,
  case when day_of_month = 1 then round((active_members * 5)::numeric, 2) else 0 end as fees_revenue
from members
