{{ config(materialized='view') }}

{#-
  Every day's status, kept: one row per as-of date, KPI, entity and window. It reads
  kpi_thresholds, which runs extend with new days and rewrite only the recomputed ones by
  key (merge), so the history only grows and re-running a day leaves one row. A view,
  because a copy of a table that already keeps every day would double the storage for
  nothing. `kpi alerts --webhook` compares a day with the one before to post only changes.
-#}

select
  as_of_date,
  kpi_id,
  entity_id,
  window_days,
  value,
  signals,
  counted_signals,
  status,
  reason,
  config_hash
from {{ ref('kpi_thresholds') }}
