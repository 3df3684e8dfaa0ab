{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='append_new_columns',
    pre_hook="set local default_statistics_target = 10",
    indexes=[
      {'columns': ['kpi_id', 'entity_id', 'window_days', 'as_of_date']}
    ]
) }}

{#-
  Every status as it was first published: one row per as-of date, KPI, entity and window,
  appended the first time kpi_thresholds has it and never changed after. Re-running a day
  adds nothing; a late correction, a new threshold config or a `--full-refresh` of the
  thresholds recompute kpi_thresholds but do not rewrite what was published
  (full_refresh=false: `--full-refresh` leaves this table alone; drop it to start over).
  `kpi alerts --webhook` compares a day with the one before to post only changes; each row
  keeps its evidence (value, baseline size, mean and spread, bounds, z-score, change), so
  `kpi alerts --date` shows a past board as it was published.

  An increment looks at the thresholds' days from lookback_days before the newest
  recorded day on, so a series that appears on a recent day is recorded too. That day is
  read first and written in as a literal: the planner then uses the index instead of
  scanning all of history (as it does for a subquery it cannot see through).
-#}

{%- set since = '0001-01-01' -%}
{%- if is_incremental() and execute -%}
  {%- set found = run_query("select (coalesce(max(as_of_date), date '0001-01-01') - " ~ (var('lookback_days') | int) ~ ")::text as since from " ~ this) -%}
  {%- set since = found.rows[0]['since'] -%}
{%- endif %}

select
  t.as_of_date,
  t.kpi_id,
  t.entity_id,
  t.window_days,
  t.value,
  t.signals,
  t.counted_signals,
  t.status,
  t.reason,
  t.config_hash,
  now() as recorded_at,
  -- The evidence, so a past board shows what the present one showed (added later: an
  -- existing history gains the columns, null for the days recorded before).
  t.baseline_n,
  t.rolling_mean,
  t.rolling_std,
  t.lower_threshold,
  t.upper_threshold,
  t.seasonal_zscore,
  t.pct_change,
  t.pct_change_vs
from {{ ref('kpi_thresholds') }} t
{%- if is_incremental() %}
where t.as_of_date >= date '{{ since }}'
  and not exists (
    select 1
    from {{ this }} h
    where h.as_of_date = t.as_of_date and h.kpi_id = t.kpi_id and h.entity_id = t.entity_id and h.window_days = t.window_days
  )
{%- endif %}
