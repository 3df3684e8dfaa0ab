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

{% macro kpi_dashboard_bounds(facts, dashboard, incremental) -%}
  {{ return(as_of_bounds(facts, 'date_key', dashboard, 'as_of_date', incremental)) }}
{%- endmacro %}

{% macro kpi_thresholds_bounds(facts, thresholds, incremental) -%}
  {{ return(as_of_bounds(facts, 'date_key', thresholds, 'as_of_date', incremental)) }}
{%- endmacro %}
