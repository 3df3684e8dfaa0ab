{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['as_of_date', 'kpi_id', 'entity_id'],
    on_schema_change='fail',
    pre_hook="set local default_statistics_target = 10",
    indexes=[
      {'columns': ['kpi_id', 'entity_id', 'as_of_date']}
    ]
) }}

{#-
  The pre-hook: kpi analyzes the new table in the build's transaction so the next models are
  planned with statistics. Thirty numeric columns sampled at the default target (30,000
  rows) took 1.0-1.3 s of the full build; a board or a series reads this table by its keys,
  for which 3,000 sampled rows are plenty (75 ms).

  Period rollups with prior-year comparisons, one row per as-of date, KPI and entity.

  One query serves the full build and the daily increment. It computes the as-of dates
  [first_day, last_day]: on a full build all of history; on an increment the last
  var('lookback_days') days up to the newest fact (and any days the table is behind).
  Month/quarter/year-to-date figures are running totals inside the range, plus the stored
  row of the day before the range when the period began before it: an increment reads a
  few rows per series, however long the history. Last 28 days come straight from the
  facts (28 days), prior-year figures from the rows a year (MTD/QTD/YTD: as_of_date - 1
  year, so Feb 29 maps to Feb 28) or 364 days (day, last 28: same weekday) earlier.

  Aggregation by dim_kpi.agg_type: sum adds days; ratio is the sum of numerators over the
  sum of denominators (never an average of daily ratios); last takes the latest day with
  data in the window. A window with no data is null, not 0.
-#}

{%- set incremental = is_incremental() -%}
{%- set periods = [('mtd', 'month_start'), ('qtd', 'quarter_start'), ('ytd', 'year_start')] -%}
{%- set figures = ['day', 'mtd', 'qtd', 'ytd', 'last28'] -%}

{#- The as-of dates this run computes (see macros/kpi_dashboard_bounds.sql). -#}
{%- set bounds = kpi_dashboard_bounds(ref('fact_kpi_daily'), this, incremental) -%}
{%- set first_day = bounds[0] if bounds else none -%}
{%- set last_day = bounds[1] if bounds else none -%}
{%- set first = "date '" ~ first_day ~ "'" if first_day else 'null::date' %}
{%- set last = "date '" ~ last_day ~ "'" if last_day else 'null::date' %}

{#-
  On Citus (docs/citus.md) the increment runs as one task per shard only without this query's
  two UNIONs: Citus plans a query that holds a UNION beside an outer join (daily's, to the
  facts) on the coordinator. The bounds macro reads first whether they are needed (bounds[2]).
  When every series with facts in the run's 28 days has a stored row the day before the
  range, the stored rows name the series; when the run covers less than 364 days, every
  prior-year figure is a stored row, looked up by its key. Otherwise (a new series, or a table
  more than a year behind) the single-server forms run on Citus too: correct, but partly on
  the coordinator.
-#}
{%- set per_shard = bounds[2] if bounds and bounds | length > 2 else false %}

with
{%- if incremental %}
base as (
  select t.*
  from {{ this }} t
  where t.as_of_date = {{ first }} - 1
),
{%- endif %}

series as (
  {%- if per_shard %}
  {#- The table itself, not `base`: Citus does not follow the distribution column through `base`'s `t.*`. #}
  select t.kpi_id, t.entity_id from {{ this }} t where t.as_of_date = {{ first }} - 1
  {%- else %}
  select distinct f.kpi_id, f.entity_id
  from {{ ref('fact_kpi_daily') }} f
  where f.date_key between {{ first }} - 27 and {{ last }}
  {%- if incremental %}
  union
  select kpi_id, entity_id from base
  {%- endif %}
  {%- endif %}
),

daily as (
  select
    d.date_key as as_of_date,
    d.month_start,
    d.quarter_start,
    d.year_start,
    s.kpi_id,
    s.entity_id,
    k.agg_type,
    f.value,
    f.numerator,
    f.denominator,
    f.kpi_id is not null as has_data,
    d.date_key >= {{ first }} as in_range
  from {{ ref('dim_date') }} d
  cross join series s
  join {{ ref('dim_kpi') }} k on k.kpi_id = s.kpi_id
  left join {{ ref('fact_kpi_daily') }} f
    on f.kpi_id = s.kpi_id and f.entity_id = s.entity_id and f.date_key = d.date_key
    -- The date range again, on the facts' side: the planner does not carry it across the
    -- join, and without it hashes every fact of every year.
    and f.date_key between {{ first }} - 27 and {{ last }}
  where d.date_key between {{ first }} - 27 and {{ last }}
),

-- One pass in series order: running totals (of the range, and of everything for the last
-- 28 days) and the latest day with data so far. A full build's range starts at the first
-- fact, so there the two are the same totals, summed once.
{%- set all = 'all' if incremental else 'range' %}
running as (
  select
    daily.*,
    max(case when has_data then as_of_date end) over by_series as last_data_day,
    sum(case when in_range then coalesce(value, 0) else 0 end) over by_series as range_value,
    sum(case when in_range then coalesce(numerator, 0) else 0 end) over by_series as range_numerator,
    sum(case when in_range then coalesce(denominator, 0) else 0 end) over by_series as range_denominator,
    count(*) filter (where in_range and has_data) over by_series as range_days
    {%- if incremental %},
    sum(coalesce(value, 0)) over by_series as all_value,
    sum(coalesce(numerator, 0)) over by_series as all_numerator,
    sum(coalesce(denominator, 0)) over by_series as all_denominator,
    count(*) filter (where has_data) over by_series as all_days
    {%- endif %}
  from daily
  window by_series as (partition by kpi_id, entity_id order by as_of_date)
),

-- A second pass in the same order. Every series has a row for every day, so "the running
-- total when the period began" is a fixed number of rows back (lag), and so is the value
-- of the latest day with data.
windows as (
  select
    running.*,
    case when last_data_day is not null then lag(value, as_of_date - last_data_day) over by_series end as last_value,
    {%- for period, start in periods %}
    {%- set back = 'as_of_date - greatest(' ~ first ~ ', ' ~ start ~ ') + 1' %}
    range_value - lag(range_value, {{ back }}, 0) over by_series as {{ period }}_sum_part,
    range_numerator - lag(range_numerator, {{ back }}, 0) over by_series as {{ period }}_numerator_part,
    range_denominator - lag(range_denominator, {{ back }}, 0) over by_series as {{ period }}_denominator_part,
    range_days - lag(range_days, {{ back }}, 0::bigint) over by_series as {{ period }}_days_part,
    {%- endfor %}
    {{ all }}_value - lag({{ all }}_value, 28, 0) over by_series as last28_sum,
    {{ all }}_numerator - lag({{ all }}_numerator, 28, 0) over by_series as last28_numerator,
    {{ all }}_denominator - lag({{ all }}_denominator, 28, 0) over by_series as last28_denominator,
    {{ all }}_days - lag({{ all }}_days, 28, 0::bigint) over by_series as last28_days
  from running
  window by_series as (partition by kpi_id, entity_id order by as_of_date)
),

-- Period totals: the part inside the range, plus the stored day-before row when the period began before the range.
totals as (
  select
    r.as_of_date,
    r.kpi_id,
    r.entity_id,
    r.agg_type,
    r.value as day_value,
    r.numerator as day_numerator,
    r.denominator as day_denominator,
    case when r.has_data then 1 else 0 end as day_days,
    {%- for period, start in periods %}
    {%- set carry = '(r.' ~ start ~ ' < ' ~ first ~ ')' %}
    r.{{ period }}_days_part + case when {{ carry }} then {{ 'coalesce(p.' ~ period ~ '_days, 0)' if incremental else '0' }} else 0 end as {{ period }}_days,
    coalesce(r.{{ period }}_sum_part, 0) + case when {{ carry }} then {{ 'coalesce(p.' ~ period ~ '_value, 0)' if incremental else '0' }} else 0 end as {{ period }}_sum,
    coalesce(r.{{ period }}_numerator_part, 0) + case when {{ carry }} then {{ 'coalesce(p.' ~ period ~ '_numerator, 0)' if incremental else '0' }} else 0 end as {{ period }}_numerator,
    coalesce(r.{{ period }}_denominator_part, 0) + case when {{ carry }} then {{ 'coalesce(p.' ~ period ~ '_denominator, 0)' if incremental else '0' }} else 0 end as {{ period }}_denominator,
    case
      when r.last_data_day >= greatest({{ first }}, r.{{ start }}) then r.last_value
      when {{ carry }} then {{ 'p.' ~ period ~ '_value' if incremental else 'null::numeric' }}
    end as {{ period }}_last,
    {%- endfor %}
    r.last28_days,
    r.last28_sum,
    r.last28_numerator,
    r.last28_denominator,
    case when r.last_data_day >= r.as_of_date - 27 then r.last_value end as last28_last
  from windows r
  {%- if incremental %}
  left join base p on p.kpi_id = r.kpi_id and p.entity_id = r.entity_id
  {%- endif %}
  where r.in_range
),

computed as {{ cte_materialized() }} (
  select
    as_of_date,
    kpi_id,
    entity_id,
    day_value,
    {%- for period in ['mtd', 'qtd', 'ytd', 'last28'] %}
    {#- Searched, not simple, CASE: Citus 13 sends a simple CASE of an INSERT ... SELECT to the shards as `WHEN NULL::boolean`. #}
    case
      when agg_type = 'sum' then case when {{ period }}_days > 0 then {{ period }}_sum end
      when agg_type = 'ratio' then case when {{ period }}_days > 0 then {{ period }}_numerator / nullif({{ period }}_denominator, 0) end
      when agg_type = 'last' then {{ period }}_last
    end as {{ period }}_value,
    {%- endfor %}
    {%- for period, start in periods %}
    case when agg_type = 'ratio' then {{ period }}_numerator end as {{ period }}_numerator,
    case when agg_type = 'ratio' then {{ period }}_denominator end as {{ period }}_denominator,
    {{ period }}_days{{ ',' if not loop.last }}
    {%- endfor %}
  from totals
),

{%- if per_shard %}

-- On Citus, a run of less than 364 days: every prior-year figure is a stored row, looked up
-- by its key, 364 days and one calendar year back (the timeline below is a UNION).
compared as (
  select
    c.*,
    true as is_new,
    d.day_value as day_prior,
    d.last28_value as last28_prior,
    {%- for period, start in periods %}
    y.{{ period }}_value as {{ period }}_prior{{ ',' if not loop.last }}
    {%- endfor %}
  from computed c
  -- The dates again as literal ranges: the planner finds those rows by the primary key
  -- (as_of_date first) instead of hashing every stored row of the shard.
  left join {{ this }} d
    on d.kpi_id = c.kpi_id and d.entity_id = c.entity_id and d.as_of_date = c.as_of_date - 364
    and d.as_of_date between {{ first }} - 364 and {{ last }} - 364
  left join {{ this }} y
    on y.kpi_id = c.kpi_id and y.entity_id = c.entity_id and y.as_of_date = (c.as_of_date - interval '1 year')::date
    and y.as_of_date between ({{ first }} - interval '1 year')::date and ({{ last }} - interval '1 year')::date
)
{%- else %}

-- This run's rows after the stored rows its prior-year figures are read from: only those
-- dates (364 days and one calendar year before each as-of date), looked up in the index,
-- so an increment reads two stored rows a series and day, not a year of them.
timeline as (
  select computed.*, true as is_new
  from computed
  {%- if incremental %}
  union all
  select
    t.as_of_date, t.kpi_id, t.entity_id,
    {%- for figure in figures %}
    t.{{ figure }}_value,
    {%- endfor %}
    {%- for period, start in periods %}
    t.{{ period }}_numerator, t.{{ period }}_denominator, t.{{ period }}_days,
    {%- endfor %}
    false as is_new
  from {{ this }} t
  where t.as_of_date < {{ first }}
    and t.as_of_date = any(array(
      select earlier
      from generate_series({{ first }}::timestamp, {{ last }}::timestamp, interval '1 day') as g(day)
      cross join lateral (values (g.day::date - 364), ((g.day - interval '1 year')::date)) as e(earlier)
    ))
  {%- endif %}
),

-- A year earlier is 365 or 366 days back (Feb 29 - 1 year = Feb 28); day and last-28
-- figures compare with 364 days back.
compared as (
  select
    timeline.*,
    {%- if incremental %}
    -- The stored rows are sparse: frames of exactly one day at that distance find the row
    -- for that date, or none.
    first_value(day_value) over days_364 as day_prior,
    first_value(last28_value) over days_364 as last28_prior,
    {%- for period, start in periods %}
    case (as_of_date - (as_of_date - interval '1 year')::date)
      when 366 then first_value({{ period }}_value) over days_366
      else first_value({{ period }}_value) over days_365
    end as {{ period }}_prior{{ ',' if not loop.last }}
    {%- endfor %}
    {%- else %}
    -- A full build has a row for every day of every series (dim_date is one unbroken range),
    -- so a day's distance is a row offset: lag, about half the cost of the range frames above.
    lag(day_value, 364) over by_series as day_prior,
    lag(last28_value, 364) over by_series as last28_prior,
    {%- for period, start in periods %}
    lag({{ period }}_value, as_of_date - (as_of_date - interval '1 year')::date) over by_series as {{ period }}_prior{{ ',' if not loop.last }}
    {%- endfor %}
    {%- endif %}
  from timeline
  window
    by_series as (partition by kpi_id, entity_id order by as_of_date)
    {%- if incremental %},
    days_364 as (by_series range between interval '364 days' preceding and interval '364 days' preceding),
    days_365 as (by_series range between interval '365 days' preceding and interval '365 days' preceding),
    days_366 as (by_series range between interval '366 days' preceding and interval '366 days' preceding)
    {%- endif %}
)
{%- endif %}

-- No stored JSON: the view agg_kpi_dashboard_payload builds it on read (a board reads tens of
-- rows; storing it cost a third of the full build). Ratios and changes are not rounded.
select
  as_of_date,
  kpi_id,
  entity_id,
  {%- for figure in figures %}
  {{ figure }}_value,
  {{ figure }}_prior,
  {{ figure }}_value - {{ figure }}_prior as {{ figure }}_delta,
  ({{ figure }}_value - {{ figure }}_prior) / nullif(abs({{ figure }}_prior), 0) as {{ figure }}_delta_pct,
  {%- endfor %}
  {%- for period, start in periods %}
  {{ period }}_numerator,
  {{ period }}_denominator,
  {{ period }}_days,
  {%- endfor %}
  now() as updated_at
from compared
where is_new
