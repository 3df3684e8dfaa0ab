{#-
  kpi_thresholds' status logic as SQL expressions over one window's baseline, in float8.
  `p` prefixes the window's columns: {p}_mean, {p}_std, {p}_n, {p}_history. The row also
  has value, x (value as float8), x_previous_day, x_last_week, seasonal_zscore, the KPI's
  direction and settings. Each expression is small and cheap; the planner may repeat one.
-#}

{% macro kpi_spread(p) -%}
  greatest(coalesce({{ p }}_std, 0), min_rel_spread * abs({{ p }}_mean), min_abs_spread)
{%- endmacro %}

{% macro kpi_lower(p) -%}({{ p }}_mean - k * {{ kpi_spread(p) }}){%- endmacro %}

{% macro kpi_upper(p) -%}({{ p }}_mean + k * {{ kpi_spread(p) }}){%- endmacro %}

{#- Percent change against the configured reference; null when the reference is too small to divide by. -#}
{% macro kpi_pct_change(p) -%}
  (case pct_change_vs
    when 'rolling_mean' then case when abs({{ p }}_mean) >= min_base then (x - {{ p }}_mean) / abs({{ p }}_mean) end
    when 'previous_day' then case when abs(x_previous_day) >= min_base then (x - x_previous_day) / abs(x_previous_day) end
    else case when abs(x_last_week) >= min_base then (x - x_last_week) / abs(x_last_week) end
  end)
{%- endmacro %}

{#-
  L at or below the lower bound, U at or above the upper, Z seasonal, P percent change.
  A value equal to the mean is never a signal: on a flat history of zeros the bounds
  collapse onto 0, and another 0 is no news.
-#}
{% macro kpi_fired(p, signal) -%}
  {%- if signal == 'L' -%} coalesce(x <= {{ kpi_lower(p) }} and x < {{ p }}_mean, false)
  {%- elif signal == 'U' -%} coalesce(x >= {{ kpi_upper(p) }} and x > {{ p }}_mean, false)
  {%- elif signal == 'Z' -%} coalesce(abs(seasonal_zscore) >= z_score_lim, false)
  {%- else -%} coalesce(abs({{ kpi_pct_change(p) }}) >= percent_drop, false)
  {%- endif -%}
{%- endmacro %}

{#- A signal counts toward status unless it fired in the KPI's good direction. -#}
{% macro kpi_counted(p, signal) -%}
  {%- if signal == 'L' -%} ({{ kpi_fired(p, 'L') }} and direction <> 'down_good')
  {%- elif signal == 'U' -%} ({{ kpi_fired(p, 'U') }} and direction <> 'up_good')
  {%- elif signal == 'Z' -%} ({{ kpi_fired(p, 'Z') }} and (direction = 'neutral' or (direction = 'up_good') = (seasonal_zscore < 0)))
  {%- else -%} ({{ kpi_fired(p, 'P') }} and (direction = 'neutral' or (direction = 'up_good') = ({{ kpi_pct_change(p) }} < 0)))
  {%- endif -%}
{%- endmacro %}

{% macro kpi_counted_total(p) -%}
  ({% for signal in ['L', 'U', 'Z', 'P'] %}{{ kpi_counted(p, signal) }}::int{{ ' + ' if not loop.last }}{% endfor %})
{%- endmacro %}

{#- A static bound crossed: absolute, or relative to the 7-day average. -#}
{% macro kpi_crossed(bound, avg7) -%}
  (coalesce(x < {{ bound }}_below, false)
   or coalesce(x > {{ bound }}_above, false)
   or coalesce(x < {{ bound }}_below_pct_of_avg7 * {{ avg7 }}, false)
   or coalesce(x > {{ bound }}_above_pct_of_avg7 * {{ avg7 }}, false))
{%- endmacro %}

{#- grey (no value, too little history) / static bounds / dynamic policy. -#}
{% macro kpi_status(p, window, avg7) -%}
  case
    when x is null then 'grey'
    when {{ p }}_history < least(min_history, {{ window }}) or coalesce({{ p }}_n, 0) < 2 then 'grey'
    when mode = 'static' then
      case when {{ kpi_crossed('critical', avg7) }} then 'red' when {{ kpi_crossed('warning', avg7) }} then 'yellow' else 'green' end
    when {{ kpi_counted_total(p) }} >= policy_red then 'red'
    when {{ kpi_counted_total(p) }} >= policy_yellow then 'yellow'
    else 'green'
  end
{%- endmacro %}

{#- The four signals as a list ('L,Z'), fired or counted. -#}
{% macro kpi_signal_list(p, which) -%}
  concat_ws(','
    {%- for signal in ['L', 'U', 'Z', 'P'] %},
    case when {{ kpi_fired(p, signal) if which == 'fired' else kpi_counted(p, signal) }} then '{{ signal }}' end
    {%- endfor %})
{%- endmacro %}
