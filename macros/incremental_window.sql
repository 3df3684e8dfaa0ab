{#-
  The first day an incremental run recomputes: var lookback_days before the newest day
  already built (so late corrections within the lookback are picked up). On a full build,
  every day.
  On Citus the day is read first and written in as a literal: a subquery over the
  distributed table would be a subplan, computed on the coordinator before the shards'
  queries and sent to them as an intermediate result (docs/citus.md).
-#}
{% macro recompute_since(date_column='date_key') -%}
  {%- if not is_incremental() -%}
    date '0001-01-01'
  {%- elif adapter.is_citus() -%}
    {%- set since = '0001-01-01' -%}
    {%- if execute -%}
      {%- set found = run_query('select coalesce(max(' ~ adapter.quote(date_column) ~ ') - ' ~ (var('lookback_days') | int) ~ " + 1, date '0001-01-01')::text as since from " ~ this) -%}
      {%- set since = found.rows[0]['since'] -%}
    {%- endif -%}
    date '{{ since }}'
  {%- else -%}
    (select coalesce(max({{ date_column }}) - {{ var('lookback_days') | int }} + 1, date '0001-01-01') from {{ this }})
  {%- endif -%}
{%- endmacro %}
