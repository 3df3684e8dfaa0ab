{#-
  The as-of dates an incremental KPI model computes, as ['YYYY-MM-DD', 'YYYY-MM-DD']: on a
  full build, every day of the source; on an increment, the last var('lookback_days') days
  up to the newest source day, and any days the model is behind. They are read before the
  query is built, so they are literals in it: the planner then knows how many rows each
  step has (with a subquery it guesses, and guesses nested loops over millions of rows).
  Unit tests override the macros with fixed dates.
-#}
{% macro as_of_bounds(source, source_date, model, model_date, incremental) -%}
  {%- if not execute -%}
    {{ return(none) }}
  {%- endif -%}
  {%- if incremental -%}
    {%- set sql -%}
      select
        least(
          (select max({{ model_date }}) + 1 from {{ model }}),
          (select max({{ source_date }}) from {{ source }}) - {{ var('lookback_days') | int }} + 1
        )::text as first_day,
        (select max({{ source_date }}) from {{ source }})::text as last_day
    {%- endset -%}
  {%- else -%}
    {%- set sql -%}
      select min({{ source_date }})::text as first_day, max({{ source_date }})::text as last_day from {{ source }}
    {%- endset -%}
  {%- endif -%}
  {%- set row = run_query(sql).rows[0] -%}
  {{ return([row['first_day'], row['last_day']]) }}
{%- endmacro %}

{#-
  The dashboard's bounds; on Citus an increment's also get a third element: whether it can
  run as one task per shard (see agg_kpi_dashboard.sql): the run covers less than 364 days,
  and every series with facts in its 28 days has a stored row the day before it. Unit tests
  override this macro with two dates, and so take the single-server forms.
-#}
{% macro kpi_dashboard_bounds(facts, dashboard, incremental) -%}
  {%- set bounds = as_of_bounds(facts, 'date_key', dashboard, 'as_of_date', incremental) -%}
  {%- if bounds and bounds[0] and bounds[1] and incremental and adapter.is_citus() -%}
    {%- set first = "date '" ~ bounds[0] ~ "'" -%}
    {%- set last = "date '" ~ bounds[1] ~ "'" -%}
    {%- set sql -%}
      select
        {{ last }} - {{ first }} as days,
        (select count(*)
         from (select distinct kpi_id, entity_id from {{ facts }} where date_key between {{ first }} - 27 and {{ last }}) f
         where not exists (select 1 from {{ dashboard }} t where t.as_of_date = {{ first }} - 1 and t.kpi_id = f.kpi_id and t.entity_id = f.entity_id)
        ) as new_series
    {%- endset -%}
    {%- set row = run_query(sql).rows[0] -%}
    {{ return([bounds[0], bounds[1], row['days'] < 364 and row['new_series'] == 0]) }}
  {%- else -%}
    {{ return(bounds) }}
  {%- endif -%}
{%- endmacro %}

{% macro kpi_thresholds_bounds(facts, thresholds, incremental) -%}
  {{ return(as_of_bounds(facts, 'date_key', thresholds, 'as_of_date', incremental)) }}
{%- endmacro %}
