{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['date_key', 'entity_id'],
    indexes=[{'columns': ['date_key', 'entity_id'], 'unique': True}, {'columns': ['entity_id', 'date_key']}]
) }}

{#-
  The wide daily mart: one row per day and location, plus entity 0 (ALL) summing the
  locations. Stocks (active members) add up across locations too. The KPI system reads
  this through ref() and unpivots it (fact_kpi_daily).
-#}

with tasting_room as (
  select * from {{ ref('raw_tasting_room_daily') }} where date_key >= {{ recompute_since() }}
),

online as (
  select * from {{ ref('raw_online_daily') }} where date_key >= {{ recompute_since() }}
),

club as (
  select * from {{ ref('raw_club_daily') }} where date_key >= {{ recompute_since() }}
),

wholesale as (
  select * from {{ ref('raw_wholesale_daily') }} where date_key >= {{ recompute_since() }}
),

by_location as (
  select
    t.date_key,
    t.location_id as entity_id,
    t.guests as tr_guests,
    t.orders as tr_orders,
    t.wine_revenue as tr_wine_revenue,
    t.tasting_fees as tr_fees_revenue,
    t.merch_revenue as tr_merch_revenue,
    t.food_revenue as tr_food_revenue,
    t.reservations,
    t.covers as reservation_covers,
    t.no_shows,
    t.events_revenue,
    t.refunds,
    o.sessions as web_sessions,
    o.orders as online_orders,
    o.wine_revenue as online_wine_revenue,
    o.shipping_revenue as online_shipping_revenue,
    c.active_members as club_active_members,
    c.signups as club_signups,
    c.cancellations as club_cancellations,
    c.net_adds as club_net_adds,
    c.shipment_revenue as club_shipment_revenue,
    c.fees_revenue as club_fees_revenue,
    w.wholesale_revenue
  from tasting_room t
  join online o using (date_key, location_id)
  join club c using (date_key, location_id)
  join wholesale w using (date_key, location_id)
),

{%- set additive = [
    'tr_guests', 'tr_orders', 'tr_wine_revenue', 'tr_fees_revenue', 'tr_merch_revenue', 'tr_food_revenue',
    'reservations', 'reservation_covers', 'no_shows', 'events_revenue', 'refunds',
    'web_sessions', 'online_orders', 'online_wine_revenue', 'online_shipping_revenue',
    'club_active_members', 'club_signups', 'club_cancellations', 'club_net_adds', 'club_shipment_revenue', 'club_fees_revenue',
    'wholesale_revenue'
] %}

with_total as (
  select date_key, entity_id, {{ additive | join(', ') }} from by_location
  union all
  select
    date_key,
    0 as entity_id,
    {%- for column in additive %}
    sum({{ column }}) as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
  from by_location
  group by date_key
)

select
  date_key,
  entity_id,
  {{ additive | join(',\n  ') }},
  tr_wine_revenue + tr_fees_revenue + tr_merch_revenue + tr_food_revenue as tr_total_revenue,
  online_wine_revenue + online_shipping_revenue as online_total_revenue,
  tr_wine_revenue + tr_merch_revenue + online_wine_revenue as order_revenue,
  tr_orders + online_orders as total_orders,
  tr_wine_revenue + tr_fees_revenue + tr_merch_revenue + tr_food_revenue
    + online_wine_revenue + online_shipping_revenue
    + club_shipment_revenue + club_fees_revenue + events_revenue + wholesale_revenue
    - refunds as total_revenue,
  round((tr_wine_revenue + tr_merch_revenue + online_wine_revenue) / nullif(tr_orders + online_orders, 0), 2) as avg_order_value,
  round(online_orders::numeric / nullif(web_sessions, 0), 6) as online_conversion_rate,
  round(no_shows::numeric / nullif(reservation_covers, 0), 6) as no_show_rate,
  round(club_signups::numeric / nullif(tr_guests, 0), 6) as club_conversion_rate,
  round(tr_guests::numeric / nullif(reservations, 0), 2) as guests_per_reservation
from with_total
