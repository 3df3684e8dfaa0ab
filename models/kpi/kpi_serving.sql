{{ config(
    materialized='table',
    indexes=[{'columns': ['status', 'window_days']}]
) }}

{#-
  What BI tools and `kpi alerts` read: the newest as-of date's thresholds and status for
  every KPI, entity and window, one long table, rebuilt each run. Each row explains itself
  (baseline size, bounds, signals, reason, the hash of the configuration that produced it).
-#}

select
  k.kpi_code || ':' || e.entity_code || ':' || t.window_days || 'd' as metric_key,
  t.kpi_id,
  k.kpi_code,
  k.kpi_name,
  k.category as section,
  k.subcategory,
  t.entity_id,
  e.entity_code as entity,
  t.value,
  t.window_days,
  t.as_of_date,
  t.baseline_n,
  t.rolling_mean,
  t.rolling_std,
  t.lower_threshold,
  t.upper_threshold,
  t.seasonal_zscore,
  t.pct_change,
  t.pct_change_vs,
  t.signals,
  t.counted_signals,
  t.status,
  t.reason,
  t.config_hash,
  replace(replace(replace({{ "'" ~ var('kpi_link_template') ~ "'" }}, '{kpi_code}', k.kpi_code), '{entity_id}', t.entity_id::text), '{as_of_date}', t.as_of_date::text) as link
from {{ ref('kpi_thresholds') }} t
join {{ ref('dim_kpi') }} k on k.kpi_id = t.kpi_id
join {{ ref('dim_entity') }} e on e.entity_id = t.entity_id
where t.as_of_date = (select max(as_of_date) from {{ ref('kpi_thresholds') }})
