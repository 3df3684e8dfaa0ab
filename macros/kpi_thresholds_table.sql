{#-
  The resolved threshold settings (`kpi_thresholds`: one entry a KPI code of dim_kpi, from
  the file kpi_project.yml names under `thresholds:`) as a relation, bounds and policy
  flattened to columns. One jsonb literal rather than VALUES rows: it needs no quoting per
  value, and an empty list is still valid SQL (an empty VALUES is not).
-#}
{% macro kpi_thresholds_table() -%}
select
  kpi_code,
  mode,
  k,
  z_score_lim,
  percent_drop,
  pct_change_vs,
  seasonality,
  seasonal_periods,
  min_history,
  min_rel_spread,
  min_abs_spread,
  min_base,
  exclude_red_from_baseline,
  baseline,
  compare_on,
  value_range,
  clear_days,
  {%- for bound in ['warning', 'critical'] %}
  {%- for key in ['below', 'above', 'below_pct_of_avg7', 'above_pct_of_avg7'] %}
  ({{ bound }} ->> '{{ key }}')::float8 as {{ bound }}_{{ key }},
  {%- endfor %}
  {%- endfor %}
  (policy ->> 'yellow')::int as policy_yellow,
  (policy ->> 'red')::int as policy_red,
  config_hash
from jsonb_to_recordset({{ "'" ~ (tojson(kpi_thresholds) | replace("'", "''")) ~ "'" }}::jsonb) as thresholds (
  kpi_code text,
  mode text,
  k float8,
  z_score_lim float8,
  percent_drop float8,
  pct_change_vs text,
  seasonality text,
  seasonal_periods int,
  min_history int,
  min_rel_spread float8,
  min_abs_spread float8,
  min_base float8,
  exclude_red_from_baseline boolean,
  baseline text,
  compare_on text,
  value_range text,
  clear_days int,
  warning jsonb,
  critical jsonb,
  policy jsonb,
  config_hash text
)
{%- endmacro %}
