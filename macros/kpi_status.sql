{#-
  kpi_thresholds' status logic as SQL expressions over one window's baseline, in float8.
  `p` prefixes the window's columns: {p}_mean, {p}_std, {p}_n, {p}_history. The row also
  has value, x (value as float8), x_previous_day, x_last_week, x_last_year, seasonal_zscore,
  the KPI's direction and settings. kpi_thresholds computes the bounds, then the signal masks, then
  the status, each once a row; the same macros inline all of it where a pass needs only
  the status (exclude_red_from_baseline's first pass).
-#}

{% macro kpi_spread(p) -%}
  greatest(coalesce({{ p }}_std, 0), min_rel_spread * abs({{ p }}_mean), min_abs_spread)
{%- endmacro %}

{% macro kpi_lower(p) -%}({{ p }}_mean - k * {{ kpi_spread(p) }}){%- endmacro %}

{% macro kpi_upper(p) -%}({{ p }}_mean + k * {{ kpi_spread(p) }}){%- endmacro %}

{#- Percent change against the configured reference; null when the reference is too small to divide by.
    Searched CASE (not `case pct_change_vs when ...`): Citus 13.2 sends the simple form to the
    shards as a comparison of text with boolean. -#}
{% macro kpi_pct_change(p) -%}
  (case
    when pct_change_vs = 'rolling_mean' then case when abs({{ p }}_mean) >= min_base then (x - {{ p }}_mean) / abs({{ p }}_mean) end
    when pct_change_vs = 'previous_day' then case when abs(x_previous_day) >= min_base then (x - x_previous_day) / abs(x_previous_day) end
    when pct_change_vs = 'same_weekday_last_year' then case when abs(x_last_year) >= min_base then (x - x_last_year) / abs(x_last_year) end
    else case when abs(x_last_week) >= min_base then (x - x_last_week) / abs(x_last_week) end
  end)
{%- endmacro %}

{#-
  L at or below the lower bound, U at or above the upper, Z seasonal, P percent change.
  A value equal to the mean is never a signal: on a flat history of zeros the bounds
  collapse onto 0, and another 0 is no news. `lower`, `upper` and `pct` are the window's
  bounds and percent change: columns computed once, or (by default) their expressions.
-#}
{% macro kpi_fired(p, signal, lower=none, upper=none, pct=none) -%}
  {%- if signal == 'L' -%} coalesce(x <= {{ lower or kpi_lower(p) }} and x < {{ p }}_mean, false)
  {%- elif signal == 'U' -%} coalesce(x >= {{ upper or kpi_upper(p) }} and x > {{ p }}_mean, false)
  {%- elif signal == 'Z' -%} coalesce(abs(seasonal_zscore) >= z_score_lim, false)
  {%- else -%} coalesce(abs({{ pct or kpi_pct_change(p) }}) >= percent_drop, false)
  {%- endif -%}
{%- endmacro %}

{#- A signal counts toward status unless it fired in the KPI's good direction. -#}
{% macro kpi_counted(p, signal, lower=none, upper=none, pct=none) -%}
  {%- set fired = kpi_fired(p, signal, lower, upper, pct) -%}
  {%- if signal == 'L' -%} ({{ fired }} and direction <> 'down_good')
  {%- elif signal == 'U' -%} ({{ fired }} and direction <> 'up_good')
  {%- elif signal == 'Z' -%} ({{ fired }} and (direction = 'neutral' or (direction = 'up_good') = (seasonal_zscore < 0)))
  {%- else -%} ({{ fired }} and (direction = 'neutral' or (direction = 'up_good') = ({{ pct or kpi_pct_change(p) }} < 0)))
  {%- endif -%}
{%- endmacro %}

{#-
  The four signals as one integer, L = 1, U = 2, Z = 4, P = 8 (`which`: fired or counted):
  each is tested once, and the list and the count are read off it by index.
-#}
{% macro kpi_signal_mask(p, which, lower=none, upper=none, pct=none) -%}
  ({% for signal in ['L', 'U', 'Z', 'P'] -%}
    {%- if which == 'fired' %}{{ kpi_fired(p, signal, lower, upper, pct) }}{% else %}{{ kpi_counted(p, signal, lower, upper, pct) }}{% endif -%}
    ::int * {{ [1, 2, 4, 8][loop.index0] }}{{ ' + ' if not loop.last }}
  {%- endfor %})
{%- endmacro %}

{#- The signals of a mask as a list ('L,Z'), in the order L, U, Z, P. -#}
{% macro kpi_mask_list(mask) -%}
  (array['', 'L', 'U', 'L,U', 'Z', 'L,Z', 'U,Z', 'L,U,Z', 'P', 'L,P', 'U,P', 'L,U,P', 'Z,P', 'L,Z,P', 'U,Z,P', 'L,U,Z,P'])[{{ mask }} + 1]
{%- endmacro %}

{#- How many signals a mask has. -#}
{% macro kpi_mask_count(mask) -%}
  (array[0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4])[{{ mask }} + 1]
{%- endmacro %}

{#- A static bound crossed: absolute, or relative to the 7-day average. -#}
{% macro kpi_crossed(bound, avg7) -%}
  (coalesce(x < {{ bound }}_below, false)
   or coalesce(x > {{ bound }}_above, false)
   or coalesce(x < {{ bound }}_below_pct_of_avg7 * {{ avg7 }}, false)
   or coalesce(x > {{ bound }}_above_pct_of_avg7 * {{ avg7 }}, false))
{%- endmacro %}

{#- grey (no value, too little history) / static bounds / dynamic policy over the counted signals' mask. -#}
{% macro kpi_status(p, window, avg7, counted_mask=none) -%}
  {%- set counted = kpi_mask_count(counted_mask or kpi_signal_mask(p, 'counted')) -%}
  case
    when x is null then 'grey'
    when {{ p }}_history < least(min_history, {{ window }}) then 'grey'
    -- An intermittent series' zero day is its ordinary state, not news.
    when compare_on = 'active_days' and x = 0 then 'green'
    when coalesce({{ p }}_n, 0) < 2 then 'grey'
    when mode = 'static' then
      case when {{ kpi_crossed('critical', avg7) }} then 'red' when {{ kpi_crossed('warning', avg7) }} then 'yellow' else 'green' end
    when {{ counted }} >= policy_red then 'red'
    when {{ counted }} >= policy_yellow then 'yellow'
    else 'green'
  end
{%- endmacro %}
