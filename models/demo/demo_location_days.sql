{{ config(materialized='ephemeral') }}

{#-
  One row per demo day and location, with the factors every demo metric shares: size of
  the location, weekly and annual seasonality, a growth trend, and holidays.
-#}

with locations as (
  select
    entity_id as location_id,
    {{ demo_location_size('entity_id') }} as size
  from {{ ref('dim_entity') }}
  where entity_type = 'location'
    and entity_id <= {{ var('demo_entities') }}
)

select
  d.date_key,
  l.location_id,
  l.size,
  {{ demo_key('d.date_key', 'l.location_id') }} as noise_key,
  d.day_of_week,
  d.month,
  d.day_of_month,
  case d.day_of_week when 1 then 0.60 when 2 then 0.55 when 3 then 0.65 when 4 then 0.80 when 5 then 1.20 when 6 then 1.60 else 1.30 end as weekday_factor,
  case d.month when 1 then 0.60 when 2 then 0.65 when 3 then 0.80 when 4 then 0.95 when 5 then 1.10 when 6 then 1.20
    when 7 then 1.25 when 8 then 1.30 when 9 then 1.40 when 10 then 1.35 when 11 then 0.90 else 0.85 end as season_factor,
  case d.month when 11 then 1.35 when 12 then 1.70 when 1 then 0.70 when 2 then 0.85 else 1.0 end as online_season_factor,
  1 + 0.05 * (d.date_key - date '2015-01-01') / 365.25 as trend,
  case
    when d.month_day in ('12-25', '01-01') then 0.0
    when d.month = 11 and d.day_of_week = 4 and d.day_of_month between 22 and 28 then 0.0
    when d.month_day = '07-04' then 1.5
    when d.month = 5 and d.day_of_week = 1 and d.day_of_month >= 25 then 1.4
    when d.month = 9 and d.day_of_week = 1 and d.day_of_month <= 7 then 1.4
    else 1.0
  end as open_factor,
  case when d.month_day = '02-14' then 1.5 when d.month = 11 and d.day_of_week = 5 and d.day_of_month between 23 and 29 then 2.2 else 1.0 end as online_event_factor
from {{ ref('dim_date') }} d
cross join locations l
where d.date_key between {{ demo_start_date() }} and {{ demo_end_date() }}
