{#-
  Incremental so daily runs do not rebuild 21 years of calendar: an increment adds only days
  the table lacks (when the calendar vars widen the range). Changing fiscal_year_start_month
  needs `kpi run -s dim_date --full-refresh`.
-#}
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='date_key',
    indexes=[
      {'columns': ['month_day']},
      {'columns': ['fiscal_year', 'fiscal_month']}
    ]
) }}

{%- set fiscal_start = var('fiscal_year_start_month') | int -%}
{%- if fiscal_start < 1 or fiscal_start > 12 -%}
  {{ exceptions.raise_compiler_error("var fiscal_year_start_month must be 1..12, got " ~ fiscal_start) }}
{%- endif -%}
{#- Months to add so the fiscal year's first month lands in January of the year it is named for. -#}
{%- set fiscal_shift = (13 - fiscal_start) % 12 -%}

with days as (
  select d::date as date_key
  from generate_series(
    date '{{ var("calendar_start_date") }}',
    date '{{ var("calendar_end_date") }}',
    interval '1 day'
  ) as d
  {%- if is_incremental() %}
  where d::date not between (select min(date_key) from {{ this }}) and (select max(date_key) from {{ this }})
  {%- endif %}
),

fiscal as (
  select
    date_key,
    ((extract(month from date_key)::int - {{ fiscal_start }} + 12) % 12) + 1 as fiscal_month,
    extract(year from date_key + interval '{{ fiscal_shift }} months')::int as fiscal_year
  from days
)

select
  d.date_key,
  extract(year from d.date_key)::int as year,
  extract(quarter from d.date_key)::int as quarter,
  extract(month from d.date_key)::int as month,
  extract(day from d.date_key)::int as day_of_month,
  extract(doy from d.date_key)::int as day_of_year,
  extract(isodow from d.date_key)::int as day_of_week,
  trim(to_char(d.date_key, 'Day')) as day_name,
  trim(to_char(d.date_key, 'Month')) as month_name,
  extract(isoyear from d.date_key)::int as iso_year,
  extract(week from d.date_key)::int as iso_week,
  extract(isodow from d.date_key) in (6, 7) as is_weekend,
  date_trunc('week', d.date_key)::date as week_start,
  date_trunc('month', d.date_key)::date as month_start,
  (date_trunc('month', d.date_key) + interval '1 month - 1 day')::date as month_end,
  date_trunc('quarter', d.date_key)::date as quarter_start,
  (date_trunc('quarter', d.date_key) + interval '3 months - 1 day')::date as quarter_end,
  date_trunc('year', d.date_key)::date as year_start,
  (date_trunc('year', d.date_key) + interval '1 year - 1 day')::date as year_end,
  extract(day from date_trunc('month', d.date_key) + interval '1 month - 1 day')::int as days_in_month,
  (extract(year from d.date_key)::int % 4 = 0 and (extract(year from d.date_key)::int % 100 <> 0 or extract(year from d.date_key)::int % 400 = 0)) as is_leap_year,
  f.fiscal_year,
  (f.fiscal_month - 1) / 3 + 1 as fiscal_quarter,
  f.fiscal_month,
  (date_trunc('month', d.date_key) - (f.fiscal_month - 1) * interval '1 month')::date as fiscal_year_start,
  to_char(d.date_key, 'MM-DD') as month_day,
  {#- Postgres interval arithmetic: Feb 29 minus a year is Feb 28. -#}
  (d.date_key - interval '1 year')::date as same_day_last_year,
  {#- 52 weeks back: the same weekday last year, for day-level and rolling-window comparisons. -#}
  d.date_key - 364 as same_weekday_last_year
from days d
join fiscal f on f.date_key = d.date_key
