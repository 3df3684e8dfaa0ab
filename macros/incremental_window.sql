{#-
  The first day an incremental run recomputes: var lookback_days before the newest day
  already built (so late corrections within the lookback are picked up). On a full build,
  every day.
-#}
{% macro recompute_since(date_column='date_key') -%}
  {%- if is_incremental() -%}
    (select coalesce(max({{ date_column }}) - {{ var('lookback_days') | int }} + 1, date '0001-01-01') from {{ this }})
  {%- else -%}
    date '0001-01-01'
  {%- endif -%}
{%- endmacro %}
